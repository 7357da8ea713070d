/**
 * `health.command`: an allowlisted check command judged by its exit code, in the Nagios
 * plugin convention SREs already use: 0 healthy, 1 degraded (WARNING), anything else
 * unhealthy. Runs through command.run, so the same allowlist and argv-only rules apply.
 */
import { Type } from '@sinclair/typebox';
import { ApplicationFailure } from '@temporalio/activity';
import { Duration } from '../../src/dsl/types';
import { defineAction } from '../action';
import { run as runCommand } from '../command';
import { FailOnUnhealthy, verdict, type HealthStatus } from './status';

export const command = defineAction({
  name: 'health.command',
  description: 'Runs an allowlisted check (argv, no shell): exit 0 healthy, 1 degraded, other unhealthy.',
  args: Type.Object(
    {
      command: Type.String({ minLength: 1 }),
      args: Type.Optional(Type.Array(Type.String())),
      timeout: Type.Optional(Duration),
      failOnUnhealthy: FailOnUnhealthy,
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '60s', retry: { maxAttempts: 1 } },
  run: async (args) => {
    const target = [args.command, ...(args.args ?? [])].join(' ');
    let exitCode: number | null;
    let output: string;
    try {
      const result = await runCommand.run({
        command: args.command,
        args: args.args ?? [],
        ...(args.timeout ? { timeout: args.timeout } : {}),
        maxOutputBytes: 4096,
      });
      exitCode = result.exitCode;
      output = result.stdout.trim();
    } catch (err) {
      // Not allowlisted, not found: the check itself is broken — fail, don't report "unhealthy".
      if (!(err instanceof ApplicationFailure) || (err.type !== 'COMMAND_EXIT' && err.type !== 'COMMAND_TIMEOUT')) throw err;
      const details = (err.details?.[0] ?? {}) as { exitCode?: number | null; stdout?: string; stderr?: string };
      exitCode = err.type === 'COMMAND_TIMEOUT' ? null : (details.exitCode ?? null);
      output = (details.stdout || details.stderr || err.message).trim();
    }
    const status: HealthStatus = exitCode === 0 ? 'healthy' : exitCode === 1 ? 'degraded' : 'unhealthy';
    const firstLine = output.split('\n')[0]?.slice(0, 200) ?? '';
    const reason = status === 'healthy' ? undefined : `${exitCode === null ? 'timed out or killed' : `exit ${exitCode}`}${firstLine ? `: ${firstLine}` : ''}`;
    return verdict(target, [{ status, ...(reason ? { reason } : {}) }], { exitCode, output: firstLine }, args.failOnUnhealthy);
  },
});
