/** Mocha root hooks: quiet worker logs, and stop the shared Temporal dev server if a test started it. */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { stopSharedServer } from './helpers/temporal';

// Worker lifecycle chatter hides test output; warnings and errors still show.
Runtime.install({ logger: new DefaultLogger('WARN') });

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(30_000);
    await stopSharedServer();
  },
};
