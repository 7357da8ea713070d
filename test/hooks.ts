/** Mocha root hooks: quiet worker logs, and stop the shared Temporal dev server if a test started it. */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { stopSharedServer } from './helpers/temporal';

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
