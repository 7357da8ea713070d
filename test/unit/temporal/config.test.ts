/**
 * Connection settings: the TEMPORAL_* and GENIE_* variables mean what they meant before,
 * and Temporal's environment configuration (profiles in a TOML file, TEMPORAL_PROFILE,
 * TEMPORAL_CONFIG_FILE, TEMPORAL_TLS=false) is honoured underneath them.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_TASK_QUEUE } from '../../../workflows/api';
import { effectiveAddress, temporalSettings } from '../../../src/temporal/config';

const PROFILES = `
[profile.default]
address = "temporal.internal:7233"
namespace = "ops"

[profile.prod]
address = "prod.tmprl.cloud:7233"
namespace = "prod.acct"
api_key = "profile-key"

[profile.prod.grpc_meta]
x-tenant = "reliability"

[profile.local]
address = "127.0.0.1:7400"
[profile.local.tls]
disabled = true
`;

describe('temporal: connection settings from the environment', () => {
  let dir: string;
  let file: string;
  const bytes = (name: string) => Uint8Array.from(fs.readFileSync(path.join(dir, name)));

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-config-'));
    file = path.join(dir, 'temporal.toml');
    fs.writeFileSync(file, PROFILES);
    for (const name of ['ca.pem', 'client.pem', 'client.key']) fs.writeFileSync(path.join(dir, name), `-----${name}-----\n`);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('with nothing set: the embedded dev server on 7233/8233, namespace default, no TLS', () => {
    const settings = temporalSettings({});
    assert.deepEqual(settings, {
      address: undefined,
      namespace: 'default',
      taskQueue: DEFAULT_TASK_QUEUE,
      grpcPort: 7233,
      uiPort: 8233,
      maxCachedWorkflows: undefined,
    });
    assert.equal(effectiveAddress(settings), '127.0.0.1:7233');
    // An empty variable is unset, as it always was.
    assert.equal(temporalSettings({ TEMPORAL_ADDRESS: '', TEMPORAL_NAMESPACE: '' }).address, undefined);
  });

  it('keeps the GENIE_* variables: ports, task queue, cache size', () => {
    const settings = temporalSettings({ GENIE_TEMPORAL_PORT: '7300', GENIE_TASK_QUEUE: 'edge', GENIE_MAX_CACHED_WORKFLOWS: '50' });
    assert.equal(settings.grpcPort, 7300);
    assert.equal(settings.uiPort, 8300);
    assert.equal(settings.taskQueue, 'edge');
    assert.equal(settings.maxCachedWorkflows, 50);
    assert.equal(temporalSettings({ GENIE_TEMPORAL_PORT: '7300', GENIE_UI_PORT: '9000' }).uiPort, 9000);
    assert.throws(() => temporalSettings({ GENIE_TEMPORAL_PORT: 'x' }), /GENIE_TEMPORAL_PORT=x is not a port number/);
  });

  it('TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and TEMPORAL_API_KEY (TLS on with a key)', () => {
    const settings = temporalSettings({ TEMPORAL_ADDRESS: 'cluster:7233', TEMPORAL_NAMESPACE: 'payments', TEMPORAL_API_KEY: 'k' });
    assert.equal(settings.address, 'cluster:7233');
    assert.equal(effectiveAddress(settings), 'cluster:7233');
    assert.equal(settings.namespace, 'payments');
    assert.equal(settings.apiKey, 'k');
    assert.equal(settings.tls, true);
  });

  it('TLS from the TEMPORAL_TLS_* paths, and TEMPORAL_TLS=true alone', () => {
    const settings = temporalSettings({
      TEMPORAL_ADDRESS: 'cluster:7233',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(dir, 'ca.pem'),
      TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'client.pem'),
      TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(dir, 'client.key'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal.example',
    });
    assert.deepEqual(settings.tls, {
      serverNameOverride: 'temporal.example',
      serverRootCACertificate: bytes('ca.pem'),
      clientCertPair: { crt: bytes('client.pem'), key: bytes('client.key') },
    });
    assert.deepEqual(temporalSettings({ TEMPORAL_TLS: 'true' }).tls, {});
    assert.throws(
      () => temporalSettings({ TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'client.pem') }),
      /set both TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH/,
    );
  });

  it('TEMPORAL_TLS=false turns TLS off even with an API key; a word that is not true/false is refused', () => {
    assert.equal(temporalSettings({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' }).tls, false);
    assert.equal(temporalSettings({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'FALSE' }).tls, false);
    assert.deepEqual(temporalSettings({ TEMPORAL_TLS: '1' }).tls, {});
    assert.throws(() => temporalSettings({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'yes' }), /TEMPORAL_TLS=yes: write true or false/);
  });

  it('reads the default profile of TEMPORAL_CONFIG_FILE; the variables win field by field', () => {
    const fromFile = temporalSettings({ TEMPORAL_CONFIG_FILE: file });
    assert.equal(fromFile.address, 'temporal.internal:7233');
    assert.equal(fromFile.namespace, 'ops');
    assert.equal(fromFile.tls, undefined);
    const overridden = temporalSettings({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_ADDRESS: 'other:7233' });
    assert.equal(overridden.address, 'other:7233');
    assert.equal(overridden.namespace, 'ops');
    // Empty is unset: the profile's address stands.
    assert.equal(temporalSettings({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_ADDRESS: '' }).address, 'temporal.internal:7233');
  });

  it('TEMPORAL_PROFILE picks a profile: its API key (TLS on), headers, and its TLS switch', () => {
    const prod = temporalSettings({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod' });
    assert.equal(prod.address, 'prod.tmprl.cloud:7233');
    assert.equal(prod.namespace, 'prod.acct');
    assert.equal(prod.apiKey, 'profile-key');
    assert.equal(prod.tls, true);
    assert.deepEqual(prod.metadata, { 'x-tenant': 'reliability' });
    assert.equal(temporalSettings({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod', TEMPORAL_NAMESPACE: 'staging' }).namespace, 'staging');
    const local = temporalSettings({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'local' });
    assert.equal(local.address, '127.0.0.1:7400');
    assert.equal(local.tls, false);
    assert.deepEqual(temporalSettings({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'local', TEMPORAL_TLS: 'true' }).tls, {});
  });

  it('finds temporalio/temporal.toml under XDG_CONFIG_HOME, and is fine without any file', () => {
    fs.mkdirSync(path.join(dir, 'xdg', 'temporalio'), { recursive: true });
    fs.copyFileSync(file, path.join(dir, 'xdg', 'temporalio', 'temporal.toml'));
    assert.equal(temporalSettings({ XDG_CONFIG_HOME: path.join(dir, 'xdg') }).address, 'temporal.internal:7233');
    assert.equal(temporalSettings({ HOME: path.join(dir, 'nobody') }).address, undefined);
    assert.equal(temporalSettings({ TEMPORAL_CONFIG_FILE: path.join(dir, 'missing.toml') }).address, undefined);
  });

  it('says which file and profile when it cannot use them', () => {
    assert.throws(
      () => temporalSettings({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'nope' }),
      (e: Error) => e.message.includes(file) && /Profile 'nope' not found/.test(e.message),
    );
    const broken = path.join(dir, 'broken.toml');
    fs.writeFileSync(broken, '[profile.default\naddress = ');
    assert.throws(
      () => temporalSettings({ TEMPORAL_CONFIG_FILE: broken }),
      (e: Error) => e.message.startsWith(`cannot load the Temporal connection profile from ${broken}:`),
    );
  });
});
