/** The decision on one override: every rejection path, and the accepted ones. */
import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import { decide, parsePolicy, signOverride, type AuthorizeRequest, type SigningKey } from '../../../src/policy';
import { rawPublicKey } from '../../../src/policy/keys';

const alice = crypto.generateKeyPairSync('ed25519');
const mallory = crypto.generateKeyPairSync('ed25519');
const HMAC = 'bot-shared-secret-0123456789';
const policy = parsePolicy(
  [
    'identities:',
    `  alice: { publicKey: "${rawPublicKey(alice.publicKey)}", roles: [sre] }`,
    '  bot: { hmac: "secret://bot_hmac", roles: [deployer] }',
    'roles:',
    '  sre:',
    '    - { actions: [approve, abort, pause], kinds: [incident, generic] }',
    '    - { actions: [breaker.force], names: ["https://*.internal"] }',
    '  deployer:',
    '    - { actions: [promote], kinds: [canary], names: ["checkout-*"] }',
    'unsigned: { skip: true }',
  ].join('\n'),
  'policy.yaml',
);

const NOW = Date.parse('2030-01-01T12:00:00Z');
const opts = { now: NOW, secret: async (ref: string) => (ref === 'secret://bot_hmac' ? HMAC : Promise.reject(new Error(`no ${ref}`))) };
const aliceKey: SigningKey = { alg: 'ed25519', key: alice.privateKey };
const botKey: SigningKey = { alg: 'hmac-sha256', secret: Buffer.from(HMAC) };

function request(
  action: string,
  args: Record<string, unknown>,
  target = { kind: 'incident', name: 'db-failover' },
  via: 'update' | 'signal' = 'update',
  runId = 'first-run-a',
): AuthorizeRequest {
  return { action, workflowId: 'run-1', runId, target, args, via };
}
function signed(
  key: SigningKey,
  action: string,
  args: Record<string, unknown>,
  extra: { keyId?: string; now?: Date; workflowId?: string; runId?: string } = {},
) {
  const auth = signOverride(key, action, extra.workflowId ?? 'run-1', args, {
    keyId: extra.keyId ?? String(args.by),
    runId: extra.runId ?? 'first-run-a',
    now: extra.now ?? new Date(NOW - 1000),
  });
  return { ...args, auth };
}
async function refused(req: AuthorizeRequest, pattern: RegExp): Promise<void> {
  const result = await decide(policy, req, opts);
  assert.equal(result.allowed, false, JSON.stringify(result));
  assert.match(result.refusal!, pattern);
}

describe('policy: deciding an override', () => {
  it('accepts a fresh Ed25519-signed override from a role that may do it', async () => {
    const result = await decide(policy, request('approve', signed(aliceKey, 'approve', { by: 'alice', reason: 'ok', stepId: 'gate' })), opts);
    assert.deepEqual({ ...result, nonce: typeof result.nonce }, { allowed: true, policy: true, signed: true, nonce: 'string' });
  });

  it('accepts an HMAC-signed one whose secret comes from a secret:// reference', async () => {
    const result = await decide(
      policy,
      request('promote', signed(botKey, 'promote', { by: 'bot', full: true }), { kind: 'canary', name: 'checkout-api' }),
      opts,
    );
    assert.equal(result.allowed, true, result.refusal);
  });

  it('refuses unsigned requests for actions the policy does not open to them; allows the others', async () => {
    await refused(
      request('abort', { by: 'alice' }),
      /alice may not abort runbook db-failover \(kind incident\): unsigned requests are not allowed for abort .*--key/,
    );
    await refused(
      request('approve', { by: 'alice' }, undefined, 'signal'),
      /unsigned signals \(such as the Temporal UI's signal form\) are not allowed for approve/,
    );
    assert.equal((await decide(policy, request('pause', { by: 'anyone' }, undefined, 'signal'), opts)).allowed, true, 'pause is unsigned by default');
    assert.equal((await decide(policy, request('skip', { by: 'anyone' }), opts)).allowed, true, 'skip opened by the policy');
  });

  it('binds a signature to one run: refused in a later run of the same workflow id, refused when it names no run', async () => {
    const args = signed(aliceKey, 'approve', { by: 'alice', reason: 'ok', stepId: 'gate' });
    assert.equal((await decide(policy, request('approve', args), opts)).allowed, true);
    await refused(
      request('approve', args, undefined, 'update', 'first-run-b'),
      /signed for run first-run-a of run-1, and this is run first-run-b: the id was reused by a new run; sign again/,
    );
    // Rewriting runId breaks the signature (it is signed); dropping it is refused before any check.
    await refused(
      request('approve', { ...args, auth: { ...(args.auth as object), runId: 'first-run-b' } }, undefined, 'update', 'first-run-b'),
      /bad signature/,
    );
    const { runId: _dropped, ...unbound } = args.auth;
    await refused(request('approve', { ...args, auth: unbound }), /names no run \(auth.runId\).*sign it again/);
  });

  it('refuses a bad signature: wrong key, or any signed field changed', async () => {
    await refused(request('approve', signed({ alg: 'ed25519', key: mallory.privateKey }, 'approve', { by: 'alice' })), /bad signature/);
    const good = signed(aliceKey, 'approve', { by: 'alice', stepId: 'gate' });
    await refused(request('approve', { ...good, stepId: 'other' }), /bad signature/);
    await refused(request('abort', good), /bad signature/);
    await refused({ ...request('approve', good), workflowId: 'run-2' }, /bad signature/);
  });

  it('refuses expired requests and ones from the future', async () => {
    await refused(
      request('approve', signed(aliceKey, 'approve', { by: 'alice' }, { now: new Date(NOW - 6 * 60_000) })),
      /expired: signed 360s ago, longer than the 300s/,
    );
    await refused(request('approve', signed(aliceKey, 'approve', { by: 'alice' }, { now: new Date(NOW + 5 * 60_000) })), /in the future/);
  });

  it("refuses unknown identities and keys used in someone else's name", async () => {
    await refused(request('approve', signed({ alg: 'ed25519', key: mallory.privateKey }, 'approve', { by: 'mallory' })), /unknown identity "mallory"/);
    await refused(
      request('approve', signed(aliceKey, 'approve', { by: 'bob' }, { keyId: 'alice' })),
      /signed with the key of alice, but the request says it is by bob/,
    );
  });

  it('refuses a role not allowed for this runbook kind or name', async () => {
    await refused(
      request('approve', signed(aliceKey, 'approve', { by: 'alice' }), { kind: 'canary', name: 'checkout-api' }),
      /no role of alice \(sre\) allows approve on runbook checkout-api \(kind canary\)/,
    );
    await refused(
      request('promote', signed(botKey, 'promote', { by: 'bot' }), { kind: 'canary', name: 'search-api' }),
      /no role of bot \(deployer\) allows promote/,
    );
    const breaker = { kind: 'breaker', name: 'https://payments.internal' };
    assert.equal(
      (
        await decide(
          policy,
          request('breaker.force', signed(aliceKey, 'breaker.force', { by: 'alice', name: breaker.name, state: 'open', reason: 'x' }), breaker),
          opts,
        )
      ).allowed,
      true,
    );
    await refused(
      request('breaker.force', signed(aliceKey, 'breaker.force', { by: 'alice', name: 'https://api.example.com', state: 'open', reason: 'x' }), {
        kind: 'breaker',
        name: 'https://api.example.com',
      }),
      /allows breaker.force on breaker https:\/\/api.example.com/,
    );
  });

  it('refuses a malformed signature block', async () => {
    await refused(request('approve', { by: 'alice', auth: { keyId: 'alice' } }), /malformed/);
  });
});
