/** `npm run setup:temporal`: finds or installs both pinned Temporal binaries, so CI and first runs pay the download once, up front. */
import { TEMPORAL_CLI, TEMPORAL_TEST_SERVER, ensureBinary } from './binaries';

for (const spec of [TEMPORAL_CLI, TEMPORAL_TEST_SERVER]) {
  try {
    console.log(`${spec.executable}: ${ensureBinary(spec, console.log)}`);
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 1;
  }
}
