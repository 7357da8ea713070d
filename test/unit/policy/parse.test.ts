/** Reading access policies: the shape, and errors as file:line:col that say what to write. */
import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import { parsePolicy, PolicyError } from '../../../src/policy';
import { rawPublicKey } from '../../../src/policy/keys';

const pub = rawPublicKey(crypto.generateKeyPairSync('ed25519').publicKey);

function problems(text: string): string[] {
  try {
    parsePolicy(text, 'policy.yaml');
  } catch (error) {
    assert.ok(error instanceof PolicyError, String(error));
    return error.problems;
  }
  assert.fail('the policy was accepted');
}

describe('policy: parsing', () => {
  it('reads identities (raw base64 or PEM keys, hmac refs), roles, unsigned and maxAge', () => {
    const pem = crypto.generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const policy = parsePolicy(
      [
        'maxAge: 2m',
        'identities:',
        `  alice: { publicKey: "${pub}", roles: [sre] }`,
        '  bob:',
        '    publicKey: |',
        ...pem
          .trim()
          .split('\n')
          .map((l) => `      ${l}`),
        '    roles: [sre, deployer]',
        '  ci-bot: { hmac: "secret://ci_bot_hmac", roles: [deployer] }',
        'roles:',
        '  sre:',
        '    - { actions: [approve, abort], kinds: ["*"] }',
        '  deployer:',
        '    - { actions: [promote], kinds: [canary], names: ["checkout-*"] }',
        'unsigned: { pause: false, retry: true }',
      ].join('\n'),
      'policy.yaml',
    );
    assert.equal(policy.maxAgeMs, 120_000);
    assert.deepEqual([...policy.identities.keys()], ['alice', 'bob', 'ci-bot']);
    assert.match(policy.identities.get('alice')!.publicKeyPem!, /BEGIN PUBLIC KEY/);
    assert.equal(policy.identities.get('ci-bot')!.hmac, 'secret://ci_bot_hmac');
    assert.deepEqual(policy.roles.get('deployer'), [{ actions: ['promote'], kinds: ['canary'], names: ['checkout-*'] }]);
    assert.equal(policy.unsigned.get('pause'), false);
    assert.equal(policy.unsigned.get('retry'), true);
    assert.equal(policy.unsigned.get('resume'), true, 'safe actions stay allowed unsigned by default');
    assert.equal(policy.unsigned.get('abort'), undefined, 'dangerous ones are not');
  });

  it('YAML syntax errors point at file:line:col', () => {
    const [p] = problems('identities:\n  alice: { publicKey: "x", roles: [sre]\n');
    assert.match(p, /^policy\.yaml:\d+:\d+: /);
  });

  it('every shape problem at once, each at its place, with a suggestion', () => {
    const found = problems(
      [
        'identities:',
        '  alice: { publicKey: "not-a-key!", roles: [sre] }',
        `  bob: { publicKey: "${pub}", roles: [sre], team: x }`,
        '  carol: { hmac: "plain-secret-text", roles: [nobody] }',
        '  dave: { roles: [sre] }',
        'roles:',
        '  sre:',
        '    - { actions: [aprove, abort], kind: [canary] }',
        'unsigned: { abortt: true }',
        'maxAge: forever',
      ].join('\n'),
    );
    const expect = [
      /^policy\.yaml:10:9: maxAge "forever"/,
      /^policy\.yaml:8:19: unknown action "aprove" \(did you mean "approve"\?\)/,
      /^policy\.yaml:8:35: unknown field "kind" in a rule \(did you mean "kinds"\?\)/,
      /^policy\.yaml:2:23: publicKey of alice: not base64/,
      /^policy\.yaml:3:\d+: unknown field "team" for an identity/,
      /^policy\.yaml:4:18: hmac of carol must be a secret reference like secret:\/\/carol_hmac/,
      /^policy\.yaml:4:\d+: role "nobody" is not defined under roles/,
      /^policy\.yaml:5:\d+: identity dave needs exactly one of publicKey .* or hmac/,
      /^policy\.yaml:9:\d+: unknown action "abortt" \(did you mean "abort"\?\)/,
    ];
    assert.equal(found.length, expect.length, found.join('\n'));
    for (const pattern of expect)
      assert.ok(
        found.some((p) => pattern.test(p)),
        `${pattern} not in\n${found.join('\n')}`,
      );
  });

  it('the error message lists every problem under the file name', () => {
    assert.throws(() => parsePolicy('roles: []\n', '/etc/genie/policy.yaml'), /access policy \/etc\/genie\/policy\.yaml is invalid \(2 problems\)/);
  });
});
