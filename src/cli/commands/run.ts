import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { RunbookResult } from '../../../workflows/api';
import { newRunId, startRunbook } from '../../temporal/runs';
import { runbookSha256 } from '../../dsl/load';
import { readKeyFile, signStart } from '../../policy/sign';
import { withClient } from '../client';
import type { Command } from '../command';
import { currentUser } from '../identity';
import { parseParamPairs } from '../params';
import { EXIT, type Output, UsageError } from '../output';
import { resolveSource } from '../runbook-source';
import { watchRun } from '../watch';

export const command: Command = {
  name: 'run',
  summary: 'Start a runbook by name (from the runbook directory) or from a file (- for stdin).',
  usage: 'genie run <name|file|-> [--param k=v]... [--id ID] [--as WHO] [--key FILE] [--wait] [--json]',
  details: [
    '  -             read the runbook (or Chaos Toolkit experiment) from stdin, at most 1 MiB.',
    '  --param k=v   a parameter; repeat for more. Values are converted to the declared type.',
    '  --id ID       the run (workflow) id; default <name>-<time>-<random>.',
    '  --as WHO      who requests the run (default $GENIE_USER or your login).',
    '  --key FILE    sign the start with your key (default $GENIE_KEY), as the access policy requires for most runbooks.',
    '  --wait        follow the run until it ends; exit 0 on success, 1 otherwise.',
    'Exit 2 when the runbook or its parameters are invalid: nothing is started.',
  ],
  options: {
    param: { type: 'string', multiple: true, short: 'p', help: 'a parameter k=v; repeat for more' },
    id: { type: 'string', help: 'the run (workflow) id (default <name>-<time>-<random>)' },
    as: { type: 'string', help: 'who requests the run (default $GENIE_USER or your login)' },
    key: { type: 'string', help: 'sign the start with this key (default $GENIE_KEY)' },
    wait: { type: 'boolean', short: 'w', help: 'follow the run until it ends; exit 0 on success, 1 otherwise' },
    json: { type: 'boolean', help: 'the started run (or with --wait, the result) as JSON' },
  },
  async run(values, positionals, out) {
    if (positionals.length !== 1) throw new UsageError('name exactly one runbook, e.g. genie run hello');
    const source = await resolveSource(positionals[0], parseParamPairs(values.param as string[] | undefined), out);
    const requestedBy = currentUser(values.as as string | undefined);
    const workflowId = (values.id as string | undefined) ?? newRunId(source.definition.metadata.name);
    const keyFile = (values.key as string | undefined) || process.env.GENIE_KEY;
    // The signature covers the run id, the runbook (its name, or the inline definition's sha256) and the params.
    const auth = keyFile
      ? signStart(readKeyFile(keyFile), {
          workflowId,
          requestedBy,
          params: source.params,
          runbook: typeof source.runbook === 'string' ? source.runbook : `sha256:${runbookSha256(source.definition)}`,
        })
      : undefined;
    return withClient(async (client, settings) => {
      let handle;
      try {
        handle = await startRunbook(client, {
          runbook: source.runbook,
          definition: source.definition,
          params: source.params,
          requestedBy,
          workflowId,
          taskQueue: settings.taskQueue,
          ...(auth ? { auth } : {}),
        });
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) throw new UsageError(`a run with id ${values.id} is already running; choose another --id`);
        throw err;
      }
      if (!values.wait) {
        if (values.json) out.printJson({ workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
        else out.print(`started ${handle.workflowId}  (genie status ${handle.workflowId})`);
        return EXIT.ok;
      }
      out.print(`started ${handle.workflowId}`);
      let result: RunbookResult | undefined;
      await watchRun(handle, out, (r) => {
        result = r;
      });
      if (values.json) out.printJson(result);
      else out.print(`${result!.status}${result!.error ? `: ${result!.error.stepId ? `${result!.error.stepId}: ` : ''}${result!.error.message}` : ''}`);
      return result!.status === 'succeeded' ? EXIT.ok : EXIT.failed;
    });
  },
};
