/**
 * Issue 12 §8: command.run passed the worker's whole environment (tokens, GENIE_SECRET_*) to
 * runbook commands and accepted LD_PRELOAD-style variables in `env`. Real child processes.
 */
import { strict as assert } from 'node:assert';
import { actionCatalog } from '../../activities/registry';
import { run } from '../../activities/command';
import { ALLOWLIST_VARIABLE } from '../../src/process/command-allowlist';
import { validateRunbook } from '../../src/dsl/validate';
import { ENV_ALLOW_VARIABLE } from '../../src/process/command-env';

const SAVED = [ALLOWLIST_VARIABLE, ENV_ALLOW_VARIABLE, 'GENIE_TEST_WORKER_SECRET', 'GENIE_TEST_ALLOWED'] as const;

describe('security: command.run environment (issue 12 §8)', () => {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const name of SAVED) saved[name] = process.env[name];
    process.env[ALLOWLIST_VARIABLE] = '/usr/bin/env';
    process.env.GENIE_TEST_WORKER_SECRET = 'worker-only-value';
    process.env.GENIE_TEST_ALLOWED = 'operator-allowed-value';
  });
  afterEach(() => {
    for (const name of SAVED) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('a worker variable not in the allowlist never reaches the command; an allowlisted one and PATH do', async () => {
    process.env[ENV_ALLOW_VARIABLE] = 'GENIE_TEST_ALLOWED';
    const { stdout } = await run.run({ command: '/usr/bin/env', env: { STEP_VAR: 'from-step' } });
    assert.doesNotMatch(stdout, /GENIE_TEST_WORKER_SECRET|worker-only-value/);
    assert.match(stdout, /^GENIE_TEST_ALLOWED=operator-allowed-value$/m);
    assert.match(stdout, /^PATH=/m);
    assert.match(stdout, /^STEP_VAR=from-step$/m);
  });

  for (const name of ['LD_PRELOAD', 'BASH_ENV', 'NODE_OPTIONS', 'DYLD_INSERT_LIBRARIES']) {
    it(`refuses ${name} in env at execution, before running anything`, async () => {
      await assert.rejects(run.run({ command: '/usr/bin/env', env: { [name]: '/tmp/evil.so' } }), (err: Error & { type?: string; nonRetryable?: boolean }) => {
        assert.equal(err.type, 'BAD_ARGUMENT');
        assert.equal(err.nonRetryable, true);
        assert.match(err.message, new RegExp(`env ${name} is refused`));
        return true;
      });
    });
  }

  it('refuses LD_PRELOAD in env at validation, naming file:line:col', () => {
    const text = [
      'apiVersion: genie.dev/v1',
      'kind: generic',
      'metadata:',
      '  name: preload',
      '  version: 1.0.0',
      'steps:',
      '  - id: run',
      '    action: command.run',
      '    with:',
      '      command: /usr/bin/env',
      '      env:',
      '        LD_PRELOAD: /tmp/evil.so',
      '',
    ].join('\n');
    const { diagnostics } = validateRunbook(text, 'preload.yaml', actionCatalog);
    const hit = diagnostics.find((d) => /env LD_PRELOAD is refused/.test(d.message));
    assert.ok(hit, `no LD_PRELOAD diagnostic in ${JSON.stringify(diagnostics)}`);
    assert.equal(hit.file, 'preload.yaml');
    assert.equal(hit.line, 12);
  });
});
