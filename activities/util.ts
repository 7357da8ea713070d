/** Small actions for examples and tests: echo a value, fail on purpose, journal an entry once. */
import { Type } from '@sinclair/typebox';
import { ApplicationFailure, Context } from '@temporalio/activity';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { defineAction } from './action';
import { stateDir } from '../src/paths';

export const echo = defineAction({
  name: 'util.echo',
  description: 'Returns its arguments unchanged; useful to name a value or to smoke-test a runbook.',
  args: Type.Record(Type.String(), Type.Unknown()),
  defaults: { timeout: '10s' },
  run: async (args) => args,
});

export const fail = defineAction({
  name: 'util.fail',
  description: 'Fails with the given message; retryable unless nonRetryable is true.',
  args: Type.Object(
    {
      message: Type.String({ minLength: 1 }),
      code: Type.Optional(Type.String()),
      nonRetryable: Type.Optional(Type.Boolean()),
      /** Succeed from this attempt on, to exercise retries. */
      succeedOnAttempt: Type.Optional(Type.Integer({ minimum: 1 })),
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '10s', retry: { maxAttempts: 1 } },
  run: async (args) => {
    const attempt = Context.current().info.attempt;
    if (args.succeedOnAttempt && attempt >= args.succeedOnAttempt) return { attempt };
    throw ApplicationFailure.create({ message: args.message, type: args.code ?? 'UTIL_FAIL', nonRetryable: args.nonRetryable ?? false });
  },
});

const JOURNAL_NAME = '^[A-Za-z0-9_-]{1,64}$';

/**
 * Appends an entry to a journal under the state directory, at most once per idempotency key
 * (default: this activity's workflow run and activity id, stable across retries and worker
 * crashes). Demonstrates, and lets tests prove, exactly-once side effects.
 */
export const journal = defineAction({
  name: 'util.journal',
  description: 'Appends a line to $GENIE_STATE_DIR/journals/<journal>.log once per idempotency key.',
  args: Type.Object(
    {
      journal: Type.String({ pattern: JOURNAL_NAME }),
      entry: Type.String(),
      key: Type.Optional(Type.String({ minLength: 1 })),
      /** After a first write, stay running this long: lets a test kill the worker between the side effect and its completion. */
      holdAfterMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })),
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '10s' },
  run: async (args) => {
    const info = Context.current().info;
    const key = args.key ?? `${info.workflowExecution?.workflowId}/${info.workflowExecution?.runId}/${info.activityId}`;
    const file = path.join(stateDir(), 'journals', `${args.journal}.log`);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const existing = await fs.readFile(file, 'utf8').catch(() => '');
    const line = JSON.stringify({ key, entry: args.entry });
    const appended = !existing.split('\n').includes(line);
    if (appended) await fs.appendFile(file, line + '\n');
    if (appended && args.holdAfterMs) await new Promise((r) => setTimeout(r, args.holdAfterMs));
    return { key, appended };
  },
});
