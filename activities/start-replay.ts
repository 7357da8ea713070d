/**
 * A signed start names its workflow id, but Temporal lets a closed id start again: within the
 * signature's lifetime the same signed input would start the same procedure a second time.
 * A signature therefore authorizes one execution chain (runs linked by continue-as-new, retry,
 * reset or cron share a first run id). Temporal's visibility store is the memory of earlier
 * uses: it already lists every run of an id, across workers and restarts, so no nonce table
 * of our own needs keeping or bounding. Visibility on Elasticsearch lags by about a second; a
 * replay inside that lag is not seen (SQL visibility, the default, has no lag). A run counts
 * as a use from the signing time less the clock skew a signature may have; so reusing one id
 * within a minute of its last run is refused too, with the advice to take a new id.
 */
import { Context } from '@temporalio/activity';
import { CLOCK_SKEW_MS } from '../src/policy/types';

/** Ids our query can quote safely; the CLI's ids always are. */
const QUOTABLE_ID = /^[A-Za-z0-9._:@/=+-]{1,400}$/;

/** Why this signed start is not fresh, or undefined when no other chain used it. */
export async function earlierUse(workflowId: string, firstRunId: string, issuedAt: string): Promise<string | undefined> {
  if (!QUOTABLE_ID.test(workflowId))
    return `a signed start needs a workflow id of letters, digits and ._:@/=+- (got ${JSON.stringify(workflowId.slice(0, 80))})`;
  const since = Date.parse(issuedAt) - CLOCK_SKEW_MS;
  for await (const run of Context.current().client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    const chain = run.raw.firstRunId || run.runId;
    if (chain !== firstRunId && run.startTime.getTime() >= since) {
      return `this signed start was already used by run ${run.runId} of ${workflowId} (started ${run.startTime.toISOString()}); a signature starts one run: sign a new start under a new workflow id`;
    }
  }
  return undefined;
}
