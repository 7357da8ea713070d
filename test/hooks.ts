/** Mocha root hooks: the shared Temporal dev server, if any test started it, is stopped at the end. */
import { stopSharedServer } from './helpers/temporal';

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(30_000);
    await stopSharedServer();
  },
};

// Worker lifecycle chatter hides test output; warnings and errors still show.
import { DefaultLogger, Runtime } from '@temporalio/worker';
Runtime.install({ logger: new DefaultLogger('WARN') });
