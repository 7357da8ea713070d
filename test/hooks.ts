/** Mocha root hooks: quiet worker logs, and stop the shared Temporal dev server if a test started it. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { ensureKeyring } from '../src/temporal/codec/keyring';
import { stopSharedServer } from './helpers/temporal';

// Every test runs with payload encryption on, as `genie up` does: one keyring for the test
// process and the CLI processes it spawns (they inherit GENIE_KEYRING).
if (!process.env.GENIE_KEYRING) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-test-keys-'));
  process.env.GENIE_KEYRING = path.join(dir, 'keyring.json');
  ensureKeyring(process.env.GENIE_KEYRING);
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
}

// Worker chatter hides test output. Warnings and errors still show, except the SDK's report of
// each failed activity or run: tests provoke those on purpose and assert on them.
const EXPECTED = new Set(['Activity failed', 'Workflow failed']);
const defaultLogger = new DefaultLogger('WARN');
Runtime.install({
  logger: new DefaultLogger('WARN', (entry) => {
    if (!EXPECTED.has(entry.message)) defaultLogger.log(entry.level, entry.message, entry.meta);
  }),
});

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(30_000);
    await stopSharedServer();
  },
};
