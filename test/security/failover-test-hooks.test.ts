/**
 * The failover monitor's test instruments (lying observers, redirected probes) were runbook
 * arguments, and the shipped region-failover runbook passed them from its params: whoever may
 * start a run could point every observer's probe at a dead port, fake the primary's death and
 * get a failover no one approved. Now only a worker started with GENIE_FAILOVER_TEST_HOOKS=1
 * honours them.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { monitor, TEST_HOOKS_VARIABLE } from '../../activities/failover';

const hooks = {
  adversaries: { o1: 'always-down' as const },
  observerUrls: { o1: { r1: 'http://127.0.0.1:9/health' }, o2: { r1: 'http://127.0.0.1:9/health' } },
};

describe('security: failover test instruments are off unless the worker turns them on', () => {
  const saved = process.env[TEST_HOOKS_VARIABLE];
  afterEach(() => {
    if (saved === undefined) delete process.env[TEST_HOOKS_VARIABLE];
    else process.env[TEST_HOOKS_VARIABLE] = saved;
  });

  for (const [name, value] of Object.entries(hooks)) {
    it(`refuses ${name} in the monitor's arguments before probing anything, saying how a test worker enables it`, async () => {
      delete process.env[TEST_HOOKS_VARIABLE];
      await assert.rejects(monitor.run({ primary: 'r1', [name]: value } as never), (e: Error & { type?: string }) => {
        assert.equal(e.type, 'TEST_HOOKS_DISABLED');
        assert.match(e.message, new RegExp(`${name} make observers lie .* could fake the primary's death.*${TEST_HOOKS_VARIABLE}=1`));
        return true;
      });
    });
  }

  it('empty instruments (what runs started before this change pass) and a test worker go on to the real checks', async () => {
    delete process.env[TEST_HOOKS_VARIABLE];
    const past = (e: Error & { type?: string }) => e.type !== 'TEST_HOOKS_DISABLED';
    await assert.rejects(monitor.run({ primary: 'r1', adversaries: {}, observerUrls: {}, regionsFile: '/nonexistent/regions.yaml' } as never), past);
    process.env[TEST_HOOKS_VARIABLE] = '1';
    await assert.rejects(monitor.run({ primary: 'r1', ...hooks, regionsFile: '/nonexistent/regions.yaml' } as never), past);
  });

  it('the shipped region-failover runbook no longer takes them as params', () => {
    const file = path.resolve(__dirname, '../../../runbooks/region-failover.yaml');
    const text = fs.readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /adversaries|observerUrls/);
  });
});
