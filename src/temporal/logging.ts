/**
 * Worker logs: human lines on a terminal, one JSON object per line otherwise (for log
 * shippers). The SDK reports every worker state change at INFO; operators want WARN and up
 * unless they ask (GENIE_LOG_LEVEL).
 */
import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';

const LEVELS: LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

function jsonLine(entry: LogEntry): void {
  const meta = Object.fromEntries(Object.entries(entry.meta ?? {}).map(([k, v]) => [k, v instanceof Error ? { name: v.name, message: v.message } : v]));
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  process.stderr.write(
    JSON.stringify({ time, level: entry.level, message: entry.message, ...meta }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) + '\n',
  );
}

export function installWorkerLogging(): void {
  const level = (process.env.GENIE_LOG_LEVEL ?? 'WARN').toUpperCase() as LogLevel;
  if (!LEVELS.includes(level)) throw new Error(`GENIE_LOG_LEVEL=${process.env.GENIE_LOG_LEVEL} is not one of ${LEVELS.join(', ')}`);
  Runtime.install({ logger: process.stderr.isTTY ? new DefaultLogger(level) : new DefaultLogger(level, jsonLine) });
}
