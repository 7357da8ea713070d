/**
 * The overrides (approve, reject, pause, ... failback): one constructor, since they differ only in
 * name and a flag or two; each is its own command file. Sent as updates so a refusal comes back
 * to the operator at once.
 */
import { WorkflowUpdateFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { overrideUpdates, stateQuery, type OverrideName } from '../../workflows/api';
import { withClient } from './client';
import type { Command } from './command';
import { currentUser } from './identity';
import { EXIT, type Output, UsageError } from './output';
import { NO_POLICY_NOTICE, operatorAuth, type SignedRun } from '../policy/operator';
import { firstRunId } from '../temporal/first-run-id';
import { retryLostUpdate } from '../temporal/update-retry';

/** Domain overrides are camelCase in workflows and kebab-case on the command line. */
const CLI_NAMES: Partial<Record<OverrideName, string>> = {
  forceCheck: 'force-check',
  skipStrategy: 'skip-strategy',
  emergencyStop: 'emergency-stop',
  forceFailover: 'force-failover',
  holdFailover: 'hold-failover',
  releaseHold: 'release-hold',
};

export function overrideCommand(name: OverrideName, summary: string, stepRequired: boolean): Command {
  const reasonFlag = name === 'approve' || name === 'reject' ? 'comment' : 'reason';
  const command = CLI_NAMES[name] ?? name;
  const extra = name === 'promote' ? ' [--full]' : name === 'skipStrategy' ? ' --strategy S' : name === 'forceFailover' ? ' --target REGION' : '';
  return {
    name: command,
    summary,
    usage: `genie ${command} <id> ${stepRequired ? '--step S' : '[--step S]'}${extra} --as <who> [--key FILE] [--${reasonFlag} TEXT]`,
    options: {
      step: { type: 'string', help: 'the step it applies to' },
      as: { type: 'string', help: 'who (default $GENIE_USER or your login)' },
      key: { type: 'string', help: 'sign it with this key (default $GENIE_KEY)' },
      [reasonFlag]: { type: 'string', help: "why, recorded in the run's history" },
      ...(name === 'promote' ? { full: { type: 'boolean', help: 'skip to full promotion' } } : {}),
      ...(name === 'skipStrategy' ? { strategy: { type: 'string', help: 'the recovery strategy to leave out' } } : {}),
      ...(name === 'forceFailover' ? { target: { type: 'string', help: 'the region to promote' } } : {}),
    },
    async run(values, [id], out) {
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
        const state = await client.workflow
          .getHandle(id)
          .query(stateQuery)
          .catch(() => undefined);
        if (state?.accessPolicy === false) out.warn(NO_POLICY_NOTICE);
        try {
          // Signed (--key, GENIE_KEY) for the access policy; the signature covers this run and these exact args.
          const auth = await signed(values.key as string | undefined, name, { workflowId: id, runId: () => firstRunId(client, id) }, args);
          const ack = await retryLostUpdate(() =>
            client.workflow.getHandle(id).executeUpdate(overrideUpdates[name], { args: [auth ? { ...args, auth } : args] }),
          );
          out.print(`${name} accepted: ${ack.message}`);
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
