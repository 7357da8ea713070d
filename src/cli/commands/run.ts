import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { RunbookResult } from '../../../workflows/api';
import { startRunbook } from '../../temporal/runs';
import { withClient } from '../client';
import type { Command } from '../command';
import { currentUser } from '../identity';
import { parseParamPairs } from '../params';
import { EXIT, print, printJson, UsageError } from '../output';
import { resolveSource } from '../runbook-source';
import { watchRun } from '../watch';

export const run: Command = {
  name: 'run',
  summary: 'Start a runbook by name (from the runbook directory) or from a file.',
  usage: 'genie run <name|file> [--param k=v]... [--id ID] [--as WHO] [--wait] [--json]',
  details: [
    '  --param k=v   a parameter; repeat for more. Values are converted to the declared type.',
    '  --id ID       the run (workflow) id; default <name>-<time>-<random>.',
    '  --as WHO      who requests the run (default $GENIE_USER or your login).',
    '  --wait        follow the run until it ends; exit 0 on success, 1 otherwise.',
    'Exit 2 when the runbook or its parameters are invalid: nothing is started.',
  ],
  options: { param: { type: 'string', multiple: true, short: 'p' }, id: { type: 'string' }, as: { type: 'string' }, wait: { type: 'boolean', short: 'w' }, json: { type: 'boolean' } },
  async run(values, positionals) {
    if (positionals.length !== 1) throw new UsageError('name exactly one runbook, e.g. genie run hello');
    const source = resolveSource(positionals[0], parseParamPairs(values.param as string[] | undefined));
    return withClient(async (client, settings) => {
      let handle;
      try {
        handle = await startRunbook(client, {
          runbook: source.runbook, definition: source.definition, params: source.params,
          requestedBy: currentUser(values.as as string | undefined), workflowId: values.id as string | undefined, taskQueue: settings.taskQueue,
        });
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) throw new UsageError(`a run with id ${values.id} is already running; choose another --id`);
        throw err;
      }
      if (!values.wait) {
        if (values.json) printJson({ workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
        else print(`started ${handle.workflowId}  (genie status ${handle.workflowId})`);
        return EXIT.ok;
      }
      print(`started ${handle.workflowId}`);
      let result: RunbookResult | undefined;
      await watchRun(handle, (r) => { result = r; });
      if (values.json) printJson(result);
      else print(`${result!.status}${result!.error ? `: ${result!.error.stepId ? `${result!.error.stepId}: ` : ''}${result!.error.message}` : ''}`);
      return result!.status === 'succeeded' ? EXIT.ok : EXIT.failed;
    });
  },
};
