import { strict as assert } from 'node:assert';
import { parsePolicy } from '../../../src/policy/parse';
import { PolicyError } from '../../../src/policy/errors';
import { decideStart } from '../../../src/policy/start';
import type { StartRequest } from '../../../src/policy/types';

const noSecret = async (): Promise<string> => {
  throw new Error('no HMAC identities here');
};
const request = (kind: string, name: string, labels: Record<string, string> = {}, inline = false): StartRequest => ({
  workflowId: 'w',
  runbook: name,
  inline,
  target: { kind, name, labels },
  params: {},
  requestedBy: 'eve',
});

describe('policy start rules', () => {
  const base = 'identities: {}\nroles: {}\n';

  it('by default refuses unsigned failover and chaos starts and inline definitions, and allows other kinds unsigned', async () => {
    const policy = parsePolicy(base, 'p.yaml');
    for (const kind of ['failover', 'chaos'])
      assert.equal((await decideStart(policy, request(kind, 'x'), { now: Date.now(), secret: noSecret })).allowed, false, kind);
    const ok = await decideStart(policy, request('generic', 'x'), { now: Date.now(), secret: noSecret });
    assert.deepEqual(ok, { allowed: true, requestedBy: 'eve (unverified)', verified: false });
    const inline = await decideStart(policy, request('generic', 'x', {}, true), { now: Date.now(), secret: noSecret });
    assert.equal(inline.allowed, false);
    assert.match(inline.refusal!, /eve \(unverified\) may not start runbook x \(kind generic\): .*start\.inline is false/);
  });

  it('start.unsigned replaces the default, matching kinds, names and labels', async () => {
    const policy = parsePolicy(`${base}start:\n  inline: true\n  unsigned:\n    - { names: ["smoke-*"], labels: { purpose: smoke } }\n`, 'p.yaml');
    const decide = (r: StartRequest) => decideStart(policy, r, { now: Date.now(), secret: noSecret }).then((d) => d.allowed);
    assert.equal(await decide(request('chaos', 'smoke-1', { purpose: 'smoke' })), true);
    assert.equal(await decide(request('generic', 'smoke-1')), false, 'label missing');
    assert.equal(await decide(request('generic', 'other', { purpose: 'smoke' })), false, 'name does not match');
    assert.equal(await decide(request('generic', 'smoke-1', { purpose: 'smoke' }, true)), true, 'inline allowed');
  });

  it('reports bad start sections as file:line:col', () => {
    assert.throws(
      () => parsePolicy(`${base}start:\n  inline: maybe\n  unsigned: { kinds: [generic] }\n  signed: true\n  unverifiedRequester: trusted\n`, 'p.yaml'),
      (err: unknown) => {
        assert.ok(err instanceof PolicyError);
        const text = err.message;
        assert.match(text, /p\.yaml:\d+:\d+: start\.inline must be true or false/);
        assert.match(text, /p\.yaml:\d+:\d+: start\.unsigned must be a list/);
        assert.match(text, /p\.yaml:\d+:\d+: unknown field "signed" under start/);
        assert.match(text, /p\.yaml:\d+:\d+: start\.unverifiedRequester must be counts .* or ignored/);
        return true;
      },
    );
  });

  it('separation of duties counts an unsigned requester unless start.unverifiedRequester is ignored', () => {
    assert.equal(parsePolicy(base, 'p.yaml').start.unverifiedRequester, 'counts');
    assert.equal(parsePolicy(`${base}start:\n  unverifiedRequester: ignored\n`, 'p.yaml').start.unverifiedRequester, 'ignored');
  });

  it('accepts start as a role action and refuses unknown ones', () => {
    assert.doesNotThrow(() => parsePolicy('identities: {}\nroles:\n  ops:\n    - { actions: [start], kinds: [failover] }\n', 'p.yaml'));
    assert.throws(() => parsePolicy('identities: {}\nroles:\n  ops:\n    - { actions: [strat] }\n', 'p.yaml'), /did you mean "start"/);
  });
});
