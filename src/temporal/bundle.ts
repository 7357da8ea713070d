/**
 * The workflow bundle (workflows/ and what it imports, packed by webpack for Temporal's
 * sandbox). `npm run build` writes it once to dist/; workers load that file instead of
 * running webpack at every start, which saves seconds and ~80 MB of worker memory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { projectRoot } from '../paths';
import { tracingRequested } from '../telemetry';

export const WORKFLOWS_PATH = require.resolve('../../workflows');
export const PREBUILT_BUNDLE = path.join(projectRoot, 'dist', 'workflow-bundle.js');
/** The same workflows with the tracing interceptors (src/telemetry/workflow-interceptors.ts) built in. */
export const PREBUILT_TRACED_BUNDLE = path.join(projectRoot, 'dist', 'workflow-bundle-traced.js');
/** Failures from workflow code go through the same encoding failure converter as activities'. */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');
export const TRACING_WORKFLOW_INTERCEPTORS = require.resolve('../telemetry/workflow-interceptors');

export interface BundleChoice {
  /** With the tracing workflow interceptors. A bundle fixes its interceptors, so tracing needs its own bundle. */
  traced?: boolean;
}

export async function bundleGenieWorkflows(workflowsPath = WORKFLOWS_PATH, choice: BundleChoice = {}): Promise<{ code: string }> {
  return bundleWorkflowCode({
    workflowsPath,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    ...(choice.traced ? { workflowInterceptorModules: [TRACING_WORKFLOW_INTERCEPTORS] } : {}),
    // webpack's build report is noise for operators; its warnings and errors still show.
    logger: new DefaultLogger('WARN'),
    // Each cached workflow re-evaluates every bundled module except preloaded ones. JSONata keeps
    // no per-evaluation state at module scope, so one shared copy saves ~300 KB per cached run.
    preloadModules: ['jsonata'],
  });
}

/** Newest modification time of the compiled files a bundle is made from. */
function newestInput(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestInput(full));
    else if (entry.name.endsWith('.js')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * The prebuilt bundle when it is newer than the compiled code; otherwise a fresh one, so a stale bundle never runs.
 * Traced (default: when this process traces, see src/telemetry/config.ts) or not.
 */
export async function loadWorkflowBundle(choice: BundleChoice = { traced: tracingRequested() }): Promise<{ code: string }> {
  const file = choice.traced ? PREBUILT_TRACED_BUNDLE : PREBUILT_BUNDLE;
  const dist = path.dirname(file);
  if (fs.existsSync(file)) {
    const built = fs.statSync(file).mtimeMs;
    const inputs = [newestInput(path.join(dist, 'workflows')), newestInput(path.join(dist, 'src', 'dsl'))];
    if (choice.traced) inputs.push(newestInput(path.join(dist, 'src', 'telemetry')));
    if (built >= Math.max(...inputs)) return { code: fs.readFileSync(file, 'utf8') };
  }
  return bundleGenieWorkflows(WORKFLOWS_PATH, choice);
}
