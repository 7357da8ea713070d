/** approve, reject, pause, resume, abort, skip, retry: sent as updates so a refusal comes back to the operator at once. */
import { WorkflowUpdateFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { overrideUpdates, stateQuery, type OverrideName } from '../../../workflows/api';
import { withClient } from '../client';
import type { Command } from '../command';
import { currentUser } from '../identity';
import { EXIT, print, UsageError, warn } from '../output';
import { NO_POLICY_NOTICE, operatorAuth, type SignedRun } from '../../policy/operator';
import { firstRunId } from '../../temporal/first-run-id';
import { retryLostUpdate } from '../../temporal/update-retry';

/** Domain overrides are camelCase in workflows and kebab-case on the command line. */
const CLI_NAMES: Partial<Record<OverrideName, string>> = {
  forceCheck: 'force-check', skipStrategy: 'skip-strategy', emergencyStop: 'emergency-stop',
  forceFailover: 'force-failover', holdFailover: 'hold-failover', releaseHold: 'release-hold',
};

function overrideCommand(name: OverrideName, summary: string, stepRequired: boolean): Command {
  const reasonFlag = name === 'approve' || name === 'reject' ? 'comment' : 'reason';
  const command = CLI_NAMES[name] ?? name;
  const extra = name === 'promote' ? ' [--full]' : name === 'skipStrategy' ? ' --strategy S' : name === 'forceFailover' ? ' --target REGION' : '';
  return {
    name: command,
    summary,
    usage: `genie ${command} <id> ${stepRequired ? '--step S' : '[--step S]'}${extra} --as <who> [--key FILE] [--${reasonFlag} TEXT]`,
    options: {
      step: { type: 'string' }, as: { type: 'string' }, key: { type: 'string' }, [reasonFlag]: { type: 'string' },
      ...(name === 'promote' ? { full: { type: 'boolean' } } : {}),
      ...(name === 'skipStrategy' ? { strategy: { type: 'string' } } : {}),
      ...(name === 'forceFailover' ? { target: { type: 'string' } } : {}),
    },
    async run(values, [id]) {
      if (!id) throw new UsageError(`name the run: genie ${command} <id> --as <who>`);
      if (stepRequired && !values.step) throw new UsageError(`genie ${command} needs --step <step id>`);
      if (name === 'skipStrategy' && !values.strategy) throw new UsageError('genie skip-strategy needs --strategy <name of a recovery strategy>');
      if (name === 'forceFailover' && !values.target) throw new UsageError('genie force-failover needs --target <region to promote>');
      const args = {
        by: currentUser(values.as as string | undefined),
        ...(values[reasonFlag] ? { reason: values[reasonFlag] as string } : {}),
        ...(values.step ? { stepId: values.step as string } : {}),
        ...(values.full ? { full: true } : {}),
        ...(values.strategy ? { strategy: values.strategy as string } : {}),
        ...(values.target ? { target: values.target as string } : {}),
      };
      return withClient(async (client) => {
        // The notice says what the run's worker enforces, not what this shell's environment says.
        const state = await client.workflow.getHandle(id).query(stateQuery).catch(() => undefined);
        if (state?.accessPolicy === false) warn(NO_POLICY_NOTICE);
        try {
          // Signed (--key, GENIE_KEY) for the access policy; the signature covers this run and these exact args.
          const auth = await signed(values.key as string | undefined, name, { workflowId: id, runId: () => firstRunId(client, id) }, args);
          const ack = await retryLostUpdate(() => client.workflow.getHandle(id).executeUpdate(overrideUpdates[name], { args: [auth ? { ...args, auth } : args] }));
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

async function signed(keyFile: string | undefined, name: OverrideName, run: SignedRun, args: Record<string, unknown>) {
  try {
    return await operatorAuth(keyFile, name, run, args);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw error;
    throw new UsageError(`cannot sign the ${name}: ${(error as Error).message}`);
  }
}

export const overrides: Command[] = [
  overrideCommand('approve', 'Approve the pending approval step of a run (or the one named by --step).', false),
  overrideCommand('reject', 'Reject the pending approval step of a run; the step fails and onFailure runs.', false),
  overrideCommand('pause', 'Pause a run at the next step boundary.', false),
  overrideCommand('resume', 'Resume a paused run.', false),
  overrideCommand('abort', 'Abort a run; its onFailure compensation runs and cannot be interrupted.', false),
  overrideCommand('skip', 'Skip a step: a failed one waiting for a decision, a running one, or one not reached yet.', true),
  overrideCommand('retry', 'Retry a failed step (onError: wait) or an inconclusive analysis that is waiting for a decision.', false),
  overrideCommand('promote', 'Canary: end the current pause, or accept an inconclusive analysis; --full skips to full promotion.', false),
  overrideCommand('forceCheck', 'Self-healing: run the health checks now instead of at the end of the current pause.', false),
  overrideCommand('skipStrategy', 'Self-healing: leave a recovery strategy out of the ladder from now on.', false),
  overrideCommand('emergencyStop', 'Chaos: stop the experiment now; its rollbacks (finally) run and cannot be interrupted.', false),
  overrideCommand('forceFailover', 'Failover: fail over to --target now, past the RPO gate (needs the approvals the runbook asks for).', false),
  overrideCommand('holdFailover', 'Failover: no automatic failover until release-hold.', false),
  overrideCommand('releaseHold', 'Failover: end a hold-failover.', false),
  overrideCommand('failback', 'Failover: switch back to the original primary region once it has rejoined.', false),
];
