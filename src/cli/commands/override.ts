/** approve, reject, pause, resume, abort, skip, retry: sent as updates so a refusal comes back to the operator at once. */
import { WorkflowUpdateFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { overrideUpdates, type OverrideName } from '../../../workflows/api';
import { withClient } from '../client';
import type { Command } from '../command';
import { currentUser } from '../identity';
import { EXIT, print, UsageError } from '../output';

function overrideCommand(name: OverrideName, summary: string, stepRequired: boolean): Command {
  const reasonFlag = name === 'approve' || name === 'reject' ? 'comment' : 'reason';
  return {
    name,
    summary,
    usage: `genie ${name} <id> ${stepRequired ? '--step S' : '[--step S]'} --as <who> [--${reasonFlag} TEXT]`,
    options: { step: { type: 'string' }, as: { type: 'string' }, [reasonFlag]: { type: 'string' } },
    async run(values, [id]) {
      if (!id) throw new UsageError(`name the run: genie ${name} <id> --as <who>`);
      if (stepRequired && !values.step) throw new UsageError(`genie ${name} needs --step <step id>`);
      const args = {
        by: currentUser(values.as as string | undefined),
        ...(values[reasonFlag] ? { reason: values[reasonFlag] as string } : {}),
        ...(values.step ? { stepId: values.step as string } : {}),
      };
      return withClient(async (client) => {
        try {
          const ack = await client.workflow.getHandle(id).executeUpdate(overrideUpdates[name], { args: [args] });
          print(`${name} accepted: ${ack.message}`);
          return EXIT.ok;
        } catch (err) {
          if (err instanceof WorkflowUpdateFailedError) throw new UsageError(`${name} refused: ${err.cause?.message ?? err.message}`, EXIT.failed);
          if (err instanceof WorkflowNotFoundError) throw new UsageError(`no running run with id ${id}`, EXIT.failed);
          throw err;
        }
      });
    },
  };
}

export const overrides: Command[] = [
  overrideCommand('approve', 'Approve the pending approval step of a run (or the one named by --step).', false),
  overrideCommand('reject', 'Reject the pending approval step of a run; the step fails and onFailure runs.', false),
  overrideCommand('pause', 'Pause a run at the next step boundary.', false),
  overrideCommand('resume', 'Resume a paused run.', false),
  overrideCommand('abort', 'Abort a run; its onFailure compensation runs and cannot be interrupted.', false),
  overrideCommand('skip', 'Skip a step: a failed one waiting for a decision, a running one, or one not reached yet.', true),
  overrideCommand('retry', 'Retry a failed step that is waiting for a decision (onError: wait).', false),
];
