/** Part of `npm run build`: writes the workflow bundle that workers load (see bundle.ts). */
import * as fs from 'node:fs';
import { PREBUILT_BUNDLE, bundleGenieWorkflows } from './bundle';

bundleGenieWorkflows().then(
  ({ code }) => fs.writeFileSync(PREBUILT_BUNDLE, code),
  (err) => {
    console.error(`cannot bundle the workflows: ${err?.stack ?? err}`);
    process.exitCode = 1;
  },
);
