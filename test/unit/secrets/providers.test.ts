/** Secrets providers (environment, file, directory) and `secret://` resolution with its masks. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DirSecretProvider } from '../../../src/secrets/dir';
import { EnvSecretProvider, envVariableFor } from '../../../src/secrets/env';
import { FileSecretProvider } from '../../../src/secrets/file';
import {
  configuredProviders,
  malformedReferences,
  referencedSecrets,
  resolveSecretReferences,
  SecretNotFoundError,
  SecretProviderError,
} from '../../../src/secrets';

describe('secrets: providers', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-secrets-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('environment: GENIE_SECRET_<NAME>, upper-cased, other characters as _', () => {
    assert.equal(envVariableFor('payments/api-token'), 'GENIE_SECRET_PAYMENTS_API_TOKEN');
    const p = new EnvSecretProvider({ GENIE_SECRET_API_TOKEN: 'tok-123', GENIE_SECRET_EMPTY: '' });
    assert.equal(p.get('api_token'), 'tok-123');
    assert.equal(p.get('missing'), undefined);
    assert.equal(p.get('empty'), undefined, 'an empty variable is not a secret');
  });

  it('file: YAML mapping, re-read when changed; refuses a file others can read', () => {
    const file = path.join(tmp, 'secrets.yaml');
    fs.writeFileSync(file, 'api_token: first-value\ndb/password: "p@ss w0rd"\n', { mode: 0o600 });
    const p = new FileSecretProvider(file);
    assert.equal(p.get('api_token'), 'first-value');
    assert.equal(p.get('db/password'), 'p@ss w0rd');
    fs.writeFileSync(file, 'api_token: second-value-longer\n');
    assert.equal(p.get('api_token'), 'second-value-longer');
    fs.chmodSync(file, 0o644);
    assert.throws(
      () => new FileSecretProvider(file).get('api_token'),
      (e: unknown) => e instanceof SecretProviderError && /mode 0644.*chmod 600/.test(e.message),
    );
  });

  it('file: a syntax error names file:line:col and never a value', () => {
    const file = path.join(tmp, 'bad.yaml');
    fs.writeFileSync(file, 'good: hidden-value-1\nbad: [unclosed\n', { mode: 0o600 });
    assert.throws(
      () => new FileSecretProvider(file).get('good'),
      (e: unknown) => {
        assert.match((e as Error).message, /bad\.yaml:\d+:\d+: not valid YAML/);
        assert.doesNotMatch((e as Error).message, /hidden-value-1/);
        return true;
      },
    );
  });

  it('directory: one file per secret, trailing newline dropped, no escaping the directory', () => {
    const dir = path.join(tmp, 'd');
    fs.mkdirSync(path.join(dir, 'payments'), { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
    fs.writeFileSync(path.join(dir, 'api_token'), 'from-dir\n', { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'payments', 'token'), 'nested', { mode: 0o400 });
    fs.writeFileSync(path.join(tmp, 'outside'), 'outside', { mode: 0o600 });
    const p = new DirSecretProvider(dir);
    assert.equal(p.get('api_token'), 'from-dir');
    assert.equal(p.get('payments/token'), 'nested');
    assert.equal(p.get('../outside'), undefined);
    assert.equal(p.get('nope'), undefined);
    fs.chmodSync(path.join(dir, 'api_token'), 0o640);
    assert.throws(() => p.get('api_token'), /chmod 600/);
  });

  it('configuredProviders: environment, then GENIE_SECRETS_FILE, then GENIE_SECRETS_DIR', () => {
    const names = configuredProviders({ GENIE_SECRETS_FILE: '/x/s.yaml', GENIE_SECRETS_DIR: '/x/d' }).map((p) => p.name);
    assert.deepEqual(names, ['environment (GENIE_SECRET_<NAME>)', 'file /x/s.yaml', 'directory /x/d']);
  });
});

describe('secrets: secret:// references', () => {
  const providers = [new EnvSecretProvider({ GENIE_SECRET_API_TOKEN: 'tok-"quoted"/1', GENIE_SECRET_HOST_KEY: 'hk-999' })];

  it('finds references anywhere: whole strings, inside text, nested objects and arrays', () => {
    const args = { headers: { Authorization: 'Bearer secret://api_token' }, list: ['secret://host_key', 'plain'], n: 1 };
    assert.deepEqual(referencedSecrets(args), ['api_token', 'host_key']);
  });

  it('substitutes values and returns the forms to mask (raw, JSON-escaped, URL-encoded)', async () => {
    const { args, secrets } = await resolveSecretReferences({ h: 'Bearer secret://api_token', u: 'https://x/?k=secret://host_key' }, providers);
    assert.deepEqual(args, { h: 'Bearer tok-"quoted"/1', u: 'https://x/?k=hk-999' });
    for (const form of ['tok-"quoted"/1', 'tok-\\"quoted\\"/1', encodeURIComponent('tok-"quoted"/1'), 'hk-999']) assert.ok(secrets.includes(form), form);
  });

  it('leaves arguments without references untouched', async () => {
    const args = { a: 'secret:/not-a-ref', b: [1, { c: true }] };
    const resolved = await resolveSecretReferences(args, providers);
    assert.equal(resolved.args, args);
    assert.deepEqual(resolved.secrets, []);
  });

  it('an unknown secret names the reference and every provider consulted, never a value', async () => {
    await assert.rejects(resolveSecretReferences({ h: 'secret://api_token secret://nope' }, providers), (e: unknown) => {
      assert.ok(e instanceof SecretNotFoundError);
      assert.match(e.message, /secret:\/\/nope is not known to any secrets provider \(consulted: environment \(GENIE_SECRET_<NAME>\)\)/);
      assert.doesNotMatch(e.message, /tok-/);
      return true;
    });
  });

  it('malformedReferences spots secret:// that is not followed by a name', () => {
    assert.deepEqual(malformedReferences('Bearer secret://ok_name'), []);
    assert.deepEqual(malformedReferences('Bearer secret://'), ['secret://']);
    assert.deepEqual(malformedReferences('x secret://../etc'), ['secret://../etc']);
  });
});
