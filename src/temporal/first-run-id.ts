import type { Client } from '@temporalio/client';

/**
 * The first run id of the chain now holding `workflowId` (continue-as-new keeps it): what an
 * override signature is bound to. Servers that do not report firstRunId get the current run
 * id, which is the same for a run that never continued as new (and refused, not accepted, otherwise).
 */
export async function firstRunId(client: Client, workflowId: string): Promise<string> {
  const described = await client.workflow.getHandle(workflowId).describe();
  return described.raw.workflowExecutionInfo?.firstRunId || described.runId;
}
