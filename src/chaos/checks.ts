/**
 * Bounds a schema cannot say, checked on the literal values of a chaos step when the runbook
 * is validated (so they are file:line:col errors) and again by the activity at run time
 * (expressions are only known then): targets in the allowlist and of the fault's kind, the
 * maximum duration, sizes within their caps, selections that can pick something, tolerances
 * that can be met, patterns that compile.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import jsonata from 'jsonata';
import { RE2JS } from 're2js';
import { parseDuration, formatDuration } from '../dsl/duration';
import { isExpression } from '../dsl/expression';
import { TARGETS_VARIABLE, isAllowed, notAllowedMessage, type TargetKind } from './allowlist';
import { JsonPathError, parseJsonPath } from './jsonpath';
import { FAULT_KINDS, type FaultKind } from './spec';

export interface ArgIssue {
  path: (string | number)[];
  message: string;
  hint: string;
}

export const TARGET_KIND_OF: Record<FaultKind, TargetKind> = { http: 'pool', network: 'netns', cpu: 'host', memory: 'host', disk: 'dir', process: 'process' };

export function maxDurationMs(env: NodeJS.ProcessEnv = process.env): number {
  return parseDuration(env.GENIE_CHAOS_MAX_DURATION || '30m');
}
export function maxMemoryMb(env: NodeJS.ProcessEnv = process.env): number {
  return Number(env.GENIE_CHAOS_MAX_MEMORY_MB || 1024);
}
export function maxDiskMb(env: NodeJS.ProcessEnv = process.env): number {
  return Number(env.GENIE_CHAOS_MAX_DISK_MB || 1024);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
const literal = (v: unknown) => v !== undefined && !isExpression(v);

/** The kind of a fault object (its one key), if it has exactly one known key. */
export function faultKindOf(fault: unknown): FaultKind | undefined {
  if (!isRecord(fault)) return undefined;
  const keys = Object.keys(fault).filter((k) => (FAULT_KINDS as readonly string[]).includes(k));
  return keys.length === 1 ? (keys[0] as FaultKind) : undefined;
}

/** A target name as the allowlist spells it: directories resolved, the host always `local`. */
export function targetName(kind: FaultKind, name: string): string {
  return kind === 'disk' ? path.resolve(name) : name;
}

export function checkInjectArgs(args: Record<string, unknown>): ArgIssue[] {
  const issues: ArgIssue[] = [];
  const kind = faultKindOf(args.fault);
  if (literal(args.duration)) {
    if (typeof args.duration !== 'string') {
      issues.push({ path: ['duration'], message: 'the fault has no maximum duration', hint: 'give duration: e.g. 30s; every fault is removed when it ends' });
    } else {
      try {
        const ms = parseDuration(args.duration);
        const max = maxDurationMs();
        if (ms > max)
          issues.push({
            path: ['duration'],
            message: `duration ${args.duration} is longer than the maximum ${formatDuration(max)}`,
            hint: 'shorten it, or raise GENIE_CHAOS_MAX_DURATION on the workers',
          });
        if (ms <= 0) issues.push({ path: ['duration'], message: 'duration must be longer than 0', hint: 'give e.g. 30s' });
      } catch (e) {
        issues.push({ path: ['duration'], message: (e as Error).message, hint: 'write e.g. 30s or 5m' });
      }
    }
  } else if (args.duration === undefined) {
    issues.push({ path: ['duration'], message: 'the fault has no maximum duration', hint: 'give duration: e.g. 30s; every fault is removed when it ends' });
  }
  if (literal(args.ttl) && typeof args.ttl === 'string') {
    try {
      if (parseDuration(args.ttl) < 500)
        issues.push({ path: ['ttl'], message: `ttl ${args.ttl} is shorter than 500ms`, hint: 'a heartbeat needs time to arrive: give 500ms or more' });
    } catch (e) {
      issues.push({ path: ['ttl'], message: (e as Error).message, hint: 'write e.g. 10s' });
    }
  }
  if (kind && isRecord(args.fault)) issues.push(...checkFaultBody(kind, args.fault[kind]));
  const targets = args.targets;
  if (isRecord(targets)) {
    if (typeof targets.select === 'string') {
      const m = /^(count|percent)\((\d+(?:\.\d+)?)\)$/.exec(targets.select);
      if (m && Number(m[2]) <= 0)
        issues.push({
          path: ['targets', 'select'],
          message: `${targets.select} selects nothing`,
          hint: 'count(n) needs n ≥ 1 and percent(p) needs 0 < p ≤ 100',
        });
      if (m && m[1] === 'percent' && Number(m[2]) > 100)
        issues.push({ path: ['targets', 'select'], message: `${targets.select} is more than 100 percent`, hint: 'give 0 < p ≤ 100' });
    }
    if (kind && Array.isArray(targets.from)) {
      targets.from.forEach((t, i) => {
        if (typeof t !== 'string' || isExpression(t)) return;
        const tk = TARGET_KIND_OF[kind];
        if (!isAllowed(tk, targetName(kind, t))) {
          issues.push({
            path: ['targets', 'from', i],
            message: notAllowedMessage(tk, targetName(kind, t)),
            hint: `pick an allowlisted target, or add ${tk}:${targetName(kind, t)} to ${TARGETS_VARIABLE} on the workers (and where you validate)`,
          });
        }
      });
    }
  }
  return issues;
}

function checkFaultBody(kind: FaultKind, body: unknown): ArgIssue[] {
  const issues: ArgIssue[] = [];
  if (!isRecord(body)) return issues;
  const at = (k: string) => ['fault', kind, k];
  if (kind === 'http' && !['latency', 'abortPercent', 'errorPercent'].some((k) => body[k] !== undefined)) {
    issues.push({ path: ['fault', kind], message: 'the http fault does nothing', hint: 'give latency, abortPercent or errorPercent' });
  }
  if (kind === 'network' && !['delay', 'loss', 'partition'].some((k) => body[k] !== undefined && body[k] !== false)) {
    issues.push({ path: ['fault', kind], message: 'the network fault does nothing', hint: 'give delay, loss or partition: true' });
  }
  if (kind === 'network' && body.partition === true && (body.delay !== undefined || body.loss !== undefined)) {
    issues.push({
      path: at('partition'),
      message: 'a partition drops everything; delay and loss mean nothing with it',
      hint: 'give either partition: true or delay/jitter/loss',
    });
  }
  if (kind === 'cpu' && typeof body.cores === 'number' && body.cores > os.cpus().length) {
    issues.push({
      path: at('cores'),
      message: `cores ${body.cores} is more than this host has (${os.cpus().length})`,
      hint: `give at most ${os.cpus().length}`,
    });
  }
  if (kind === 'memory' && typeof body.mb === 'number' && body.mb > maxMemoryMb()) {
    issues.push({
      path: at('mb'),
      message: `mb ${body.mb} is more than the memory cap ${maxMemoryMb()} MiB`,
      hint: 'lower it, or raise GENIE_CHAOS_MAX_MEMORY_MB',
    });
  }
  if (kind === 'disk' && typeof body.mb === 'number' && body.mb > maxDiskMb()) {
    issues.push({ path: at('mb'), message: `mb ${body.mb} is more than the disk cap ${maxDiskMb()} MiB`, hint: 'lower it, or raise GENIE_CHAOS_MAX_DISK_MB' });
  }
  for (const k of ['latency', 'delay', 'jitter']) {
    if (typeof body[k] === 'string' && !isExpression(body[k])) {
      try {
        parseDuration(body[k] as string);
      } catch (e) {
        issues.push({ path: at(k), message: (e as Error).message, hint: 'write e.g. 200ms' });
      }
    }
  }
  return issues;
}

export function checkProbeArgs(args: Record<string, unknown>): ArgIssue[] {
  const issues: ArgIssue[] = [];
  if (!Array.isArray(args.probes)) return issues;
  args.probes.forEach((probe, i) => {
    if (!isRecord(probe)) return;
    const sources = ['http', 'command', 'process', 'metric'].filter((k) => probe[k] !== undefined);
    if (sources.length !== 1)
      issues.push({
        path: ['probes', i],
        message: `probe ${String(probe.name)} has ${sources.length === 0 ? 'no source' : `several sources (${sources.join(', ')})`}`,
        hint: 'give exactly one of http, command, process, metric',
      });
    if (isRecord(probe.metric) && (probe.metric.pool === undefined) === (probe.metric.route === undefined)) {
      issues.push({ path: ['probes', i, 'metric'], message: 'a metric probe measures one pool or one route', hint: 'give exactly one of pool, route' });
    }
    issues.push(...checkTolerance(probe.tolerance, ['probes', i, 'tolerance']));
  });
  return issues;
}

export function checkTolerance(t: unknown, at: (string | number)[]): ArgIssue[] {
  if (!isRecord(t)) return [];
  if (t.type === 'range' && Array.isArray(t.range) && typeof t.range[0] === 'number' && typeof t.range[1] === 'number' && t.range[0] > t.range[1]) {
    return [
      {
        path: [...at, 'range'],
        message: `range [${t.range[0]}, ${t.range[1]}] is impossible: its minimum is above its maximum`,
        hint: `write [${t.range[1]}, ${t.range[0]}]`,
      },
    ];
  }
  if (t.type === 'regex' && typeof t.pattern === 'string' && !isExpression(t.pattern)) {
    try {
      RE2JS.compile(t.pattern);
    } catch (e) {
      return [
        {
          path: [...at, 'pattern'],
          message: `pattern does not compile: ${(e as Error).message}`,
          hint: 'fix the regular expression (RE2 syntax: no backreferences or lookaround)',
        },
      ];
    }
  }
  if (t.type === 'jsonpath' && typeof t.path === 'string' && !isExpression(t.path)) {
    try {
      parseJsonPath(t.path);
    } catch (e) {
      return [{ path: [...at, 'path'], message: (e as JsonPathError).message, hint: 'write a JSON path such as $.status or $.items[?(@.ok == true)]' }];
    }
  }
  if (t.type === 'expression' && typeof t.expression === 'string' && !isExpression(t.expression)) {
    try {
      jsonata(t.expression);
    } catch (e) {
      return [
        {
          path: [...at, 'expression'],
          message: `expression is not valid JSONata: ${(e as Error).message}`,
          hint: 'write JSONata over $value without {% %}, e.g. $value.status = 200',
        },
      ];
    }
  }
  return [];
}
