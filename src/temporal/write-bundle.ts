/** Part of `npm run build`: writes the workflow bundles that workers load (see bundle.ts), plain and traced. */
import * as fs from 'node:fs';
import { PREBUILT_BUNDLE, PREBUILT_TRACED_BUNDLE, WORKFLOWS_PATH, bundleGenieWorkflows } from './bundle';

async function writeBoth(): Promise<void> {
  // One after the other: two webpack runs at once would double the build's peak memory.
  fs.writeFileSync(PREBUILT_BUNDLE, (await bundleGenieWorkflows()).code);
  fs.writeFileSync(PREBUILT_TRACED_BUNDLE, (await bundleGenieWorkflows(WORKFLOWS_PATH, { traced: true })).code);
}

writeBoth().then(
  () => undefined,
  (err) => {
    console.error(`cannot bundle the workflows: ${err?.stack ?? err}`);
    process.exitCode = 1;
  },
);
