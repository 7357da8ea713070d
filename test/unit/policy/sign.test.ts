/** Key files and signing on the operator's (and the worker's) side. */
import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decide, parsePolicy, readKeyFile } from '../../../src/policy';
import { rawPublicKey } from '../../../src/policy/keys';
import { signedByWorker } from '../../../src/policy/operator';

describe('policy: key files and signing', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-keys-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads an Ed25519 PEM key or an HMAC secret; refuses files others can read, and bad contents', () => {
    const pem = path.join(tmp, 'a.key');
    fs.writeFileSync(pem, crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    assert.equal(readKeyFile(pem).alg, 'ed25519');
    const hmac = path.join(tmp, 'b.key');
    fs.writeFileSync(hmac, 'a-long-enough-shared-secret\n', { mode: 0o600 });
    assert.equal(readKeyFile(hmac).alg, 'hmac-sha256');
    fs.chmodSync(pem, 0o644);
    assert.throws(() => readKeyFile(pem), /chmod 600/);
    const rsa = path.join(tmp, 'rsa.key');
    fs.writeFileSync(rsa, crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    assert.throws(() => readKeyFile(rsa), /holds a rsa key; Genie signs with Ed25519/);
    assert.throws(() => readKeyFile(path.join(tmp, 'none.key')), /ENOENT \(create one with genie keygen/);
  });

  it('signedByWorker signs as the worker identity, which the policy can allow breaker.force', async () => {
    const pair = crypto.generateKeyPairSync('ed25519');
    const file = path.join(tmp, 'worker.key');
    fs.writeFileSync(file, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const args = { name: 'https://payments.internal', state: 'open', by: 'runbook r-1', reason: 'mitigate' };
    const run = { workflowId: 'genie-breakers', runId: async () => 'breakers-first-run' };
    assert.equal(await signedByWorker('breaker.force', run, args, {}), args, 'no worker identity: unsigned, unchanged');
    const signed = await signedByWorker('breaker.force', run, args, { GENIE_WORKER_IDENTITY: 'worker', GENIE_WORKER_KEY: file });
    assert.equal(signed.by, 'worker');
    const policy = parsePolicy(
      `identities: { worker: { publicKey: "${rawPublicKey(pair.publicKey)}", roles: [automation] } }\nroles: { automation: [{ actions: [breaker.force] }] }\n`,
      'p.yaml',
    );
    const result = await decide(
      policy,
      {
        action: 'breaker.force',
        workflowId: 'genie-breakers',
        runId: 'breakers-first-run',
        target: { kind: 'breaker', name: args.name },
        args: signed,
        via: 'update',
      },
      { now: Date.now(), secret: async () => '' },
    );
    assert.equal(result.allowed, true, result.refusal);
  });
});
