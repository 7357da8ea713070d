/**
 * genie breaker list | open | close | disable | reset: the operators' durable overrides of the
 * circuit breakers of every worker, kept in the `breakers` workflow (its history says who
 * forced what and why). Workers apply a change within about a second.
 */
import { breakersWorkflowId, type BreakerOverridesView, type ForcedBreakerState } from '../../../workflows/breakers-api';
import { BreakerNameError } from '../../resilience/errors';
import { normalizeBreakerName } from '../../resilience/names';
import { BreakerOverrideRefusedError, breakersRunId, forceBreaker, readBreakerOverrides, resetBreaker } from '../../resilience/overrides-client';
import { withClient } from '../client';
import type { Command, Values } from '../command';
import { currentUser } from '../identity';
import { EXIT, type Output, UsageError } from '../output';
import { noticeIfNoPolicy, operatorAuth } from '../../policy/operator';

const FORCE: Record<Exclude<Verb, 'reset'>, ForcedBreakerState> = { open: 'open', close: 'closed', disable: 'disabled' };

export const command: Command = {
  name: 'breaker',
  summary: 'List or force circuit breakers on every worker: open, close, disable, reset (back to automatic).',
  usage:
    'genie breaker list [--json] | genie breaker open|close|disable <name> --as <who> [--key FILE] --reason R | genie breaker reset <name> --as <who> [--key FILE] [--reason R]',
  details: [
    '<name> is a destination: any URL (its origin is the breaker, e.g. https://api.example.com) or a breaker name.',
    '  open     reject every call to it on every worker until reset',
    '  close    let every call through whatever fails (still counted)',
    '  disable  take the breaker out of the path (nothing counted)',
    '  reset    back to automatic: closed, with an empty window',
    'Examples:',
    '  genie breaker open https://payments.internal --as alice --reason "provider incident INC-42"',
    '  genie breaker list',
    '  genie breaker reset https://payments.internal --as alice --reason "provider recovered"',
  ],
  options: {
    as: { type: 'string', help: 'who forces it (default $GENIE_USER or your login)' },
    key: { type: 'string', help: 'sign the change with this key (default $GENIE_KEY)' },
    reason: { type: 'string', help: 'why: everyone whose calls change reads it (required but for reset)' },
    json: { type: 'boolean', help: 'the list as JSON' },
  },
  subcommands: [
    {
      name: 'list',
      summary: 'The forced breakers: state, who, since when, why.',
      usage: 'genie breaker list [--json]',
      options: {},
      run: (values, _positionals, out) => list(Boolean(values.json), out),
    },
    change('open', 'Reject every call to it on every worker until reset.'),
    change('close', 'Let every call through whatever fails (still counted).'),
    change('disable', 'Take the breaker out of the path (nothing counted).'),
    change('reset', 'Back to automatic: closed, with an empty window.'),
  ],
};

type Verb = 'open' | 'close' | 'disable' | 'reset';

function change(verb: Verb, summary: string): Command {
  return {
    name: verb,
    summary,
    usage: `genie breaker ${verb} <name> --as <who> [--key FILE] ${verb === 'reset' ? '[--reason R]' : '--reason R'}`,
    options: {},
    run: (values, [rawName, ...extra], out) => force(verb, values, rawName, extra, out),
  };
}

async function force(verb: Verb, values: Values, rawName: string | undefined, extra: string[], out: Output): Promise<number> {
  if (!rawName) throw new UsageError(`name the breaker: genie breaker ${verb} <url or name> --as <who>${verb === 'reset' ? '' : ' --reason R'}`);
  if (extra.length) throw new UsageError(`one breaker at a time; unexpected ${extra.join(' ')}`);
  let name: string;
  try {
    name = normalizeBreakerName(rawName);
  } catch (error) {
    if (error instanceof BreakerNameError) throw new UsageError(error.message);
    throw error;
  }
  const reason = values.reason as string | undefined;
  if (verb !== 'reset' && !reason?.trim()) throw new UsageError(`genie breaker ${verb} needs --reason: everyone whose calls change will read it`);
  const by = currentUser(values.as as string | undefined);
  noticeIfNoPolicy(out.warn);
  return withClient(async (client, settings) => {
    // Under an access policy this is `breaker.force`, signed for the breakers workflow of this task queue.
    const run = { workflowId: breakersWorkflowId(settings.taskQueue), runId: () => breakersRunId(client, settings.taskQueue) };
    const sign = async <A extends Record<string, unknown>>(args: A): Promise<A> => {
      try {
        const auth = await operatorAuth(values.key as string | undefined, 'breaker.force', run, args);
        return auth ? { ...args, auth } : args;
      } catch (error) {
        throw new UsageError(`cannot sign the breaker ${verb}: ${(error as Error).message}`);
      }
    };
    try {
      const ack =
        verb === 'reset'
          ? await resetBreaker(client, settings.taskQueue, await sign({ name, by, ...(reason ? { reason } : {}) }))
          : await forceBreaker(client, settings.taskQueue, await sign({ name, state: FORCE[verb], by, reason: reason! }));
      out.print(`${verb} accepted: ${ack.message} (version ${ack.version})`);
      return EXIT.ok;
    } catch (error) {
      if (error instanceof BreakerOverrideRefusedError) throw new UsageError(`${verb} refused: ${error.message}`, EXIT.failed);
      throw error;
    }
  });
}

async function list(json: boolean, out: Output): Promise<number> {
  return withClient(async (client, settings) => {
    let view: BreakerOverridesView | undefined;
    try {
      view = await readBreakerOverrides(client, settings.taskQueue);
    } catch (error) {
      throw new UsageError(
        `the breakers workflow (${breakersWorkflowId(settings.taskQueue)}) did not answer: ${(error as Error).message}\n` +
          `  is a worker running on task queue "${settings.taskQueue}"? (genie worker)`,
        EXIT.failed,
      );
    }
    view ??= { version: 0, overrides: {}, recent: [] };
    if (json) {
      out.printJson(view);
      return EXIT.ok;
    }
    const rows = Object.entries(view.overrides).sort(([a], [b]) => a.localeCompare(b));
    if (rows.length === 0) {
      out.print('no breaker is forced: every breaker runs automatically');
      return EXIT.ok;
    }
    const width = Math.max(4, ...rows.map(([name]) => name.length));
    out.print(`${'NAME'.padEnd(width)}  ${'STATE'.padEnd(8)}  ${'BY'.padEnd(12)}  ${'SINCE'.padEnd(24)}  REASON`);
    for (const [name, o] of rows) out.print(`${name.padEnd(width)}  ${o.state.padEnd(8)}  ${o.by.padEnd(12)}  ${o.at.padEnd(24)}  ${o.reason}`);
    out.print(`\n(version ${view.version}; \`genie breaker reset <name>\` returns a breaker to automatic)`);
    return EXIT.ok;
  });
}
