/**
 * The self-healing runbook's parameters, checked and filled with defaults. Checks and the
 * ladder are mappings keyed by name (the ladder in the order written); each names how it
 * is carried out by one key — `process`, `command`, `webhook`, `cleanup` or `runbook`:
 *
 *   checks:
 *     web: { http: { url: http://127.0.0.1:18081/health }, period: 10s, timeout: 2s, failureThreshold: 3 }
 *   ladder:
 *     restart:  { process: { name: stable }, maxAttempts: 3 }
 *     cleanup:  { cleanup: { path: /var/cache/app, maxBytes: 104857600 } }
 *     scale:    { webhook: { url: ..., payload: {...} }, rollback: { webhook: {...} } }
 *     escalate: { runbook: { params: {...} } }        # or { webhook: {...} } to page
 *
 * Every mistake is reported with where it is (`ladder.scale.rollback`) and what fits.
 */
import { parseDuration } from '../dsl/duration';
import type { BackoffPolicy, Call, CheckSpec, HealingConfig, Strategy, StrategyKind, Via } from './types';
import { GenieError } from '../errors/genie-error';

export class HealingConfigError extends GenieError {
  readonly code = 'HEALING_CONFIG';
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(`${where}: ${message}`);
  }
}

const CHECK_KINDS = ['http', 'tcp', 'process', 'command'] as const;
const VIAS: Via[] = ['process', 'command', 'webhook', 'cleanup', 'runbook'];
const KINDS: StrategyKind[] = ['restart', 'cleanup', 'scale', 'escalate', 'custom'];
const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

type Raw = Record<string, unknown>;

function isRecord(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function record(v: unknown, where: string): Raw {
  if (!isRecord(v)) throw new HealingConfigError(where, `must be a mapping, not ${v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v}`);
  return v;
}

function only(raw: Raw, allowed: string[], where: string): void {
  const extra = Object.keys(raw).filter((k) => !allowed.includes(k));
  if (extra.length) throw new HealingConfigError(where, `unknown key${extra.length > 1 ? 's' : ''} ${extra.join(', ')} (allowed: ${allowed.join(', ')})`);
}

function duration(v: unknown, where: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  try {
    return parseDuration(String(v));
  } catch (e) {
    throw new HealingConfigError(where, (e as Error).message);
  }
}

function int(v: unknown, where: string, fallback: number, min: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
    throw new HealingConfigError(where, `must be a whole number ≥ ${min}, not ${JSON.stringify(v)}`);
  return v;
}

function checkOf(name: string, raw: Raw): CheckSpec {
  const where = `checks.${name}`;
  if (!NAME.test(name)) throw new HealingConfigError(where, 'a check name is letters, digits, - and _ (starting with a letter)');
  only(raw, [...CHECK_KINDS, 'period', 'timeout', 'failureThreshold', 'successThreshold', 'degradedIsFailure'], where);
  const kinds = CHECK_KINDS.filter((k) => raw[k] !== undefined);
  if (kinds.length !== 1)
    throw new HealingConfigError(
      where,
      `needs exactly one of ${CHECK_KINDS.join(', ')} (the health.<kind> arguments)${kinds.length ? `, not ${kinds.join(' and ')}` : ''}`,
    );
  const kind = kinds[0];
  const args = { ...record(raw[kind], `${where}.${kind}`) };
  const periodMs = duration(raw.period, `${where}.period`, 10_000);
  const timeoutMs = duration(raw.timeout, `${where}.timeout`, Math.min(1_000 * 5, periodMs));
  if (periodMs < 100) throw new HealingConfigError(`${where}.period`, 'must be at least 100ms');
  if (timeoutMs < 10) throw new HealingConfigError(`${where}.timeout`, 'must be at least 10ms');
  if (args.failOnUnhealthy !== undefined) throw new HealingConfigError(`${where}.${kind}.failOnUnhealthy`, 'is decided by the monitor; leave it out');
  return {
    name,
    kind,
    args,
    periodMs,
    timeoutMs,
    failureThreshold: int(raw.failureThreshold, `${where}.failureThreshold`, 3, 1),
    successThreshold: int(raw.successThreshold, `${where}.successThreshold`, 1, 1),
    degradedIsFailure: raw.degradedIsFailure === true,
  };
}

function callOf(raw: Raw, where: string): Call {
  const vias = VIAS.filter((v) => raw[v] !== undefined);
  if (vias.length !== 1) {
    throw new HealingConfigError(where, `needs exactly one of ${VIAS.join(', ')} (how it is carried out)${vias.length ? `, not ${vias.join(' and ')}` : ''}`);
  }
  const via = vias[0];
  const args = { ...record(raw[via], `${where}.${via}`) };
  const need = (key: string, type: 'string' | 'object' | 'number') => {
    const value = args[key];
    const ok = type === 'object' ? isRecord(value) : typeof value === type;
    if (!ok) throw new HealingConfigError(`${where}.${via}.${key}`, `is required (${type === 'object' ? 'a mapping' : `a ${type}`})`);
  };
  if (via === 'process') need('name', 'string');
  if (via === 'command') {
    need('command', 'string');
    if (args.args !== undefined && !(Array.isArray(args.args) && args.args.every((a) => typeof a === 'string'))) {
      throw new HealingConfigError(`${where}.command.args`, 'must be a list of strings (quote numbers)');
    }
    args.args ??= [];
  }
  if (via === 'webhook') {
    need('url', 'string');
    args.payload ??= {};
    need('payload', 'object');
    args.headers ??= {};
  }
  if (via === 'cleanup') {
    need('path', 'string');
    need('maxBytes', 'number');
  }
  if (via === 'runbook') args.params ??= {};
  return { via, args };
}

function strategyOf(name: string, raw: Raw): Strategy {
  const where = `ladder.${name}`;
  if (!NAME.test(name)) throw new HealingConfigError(where, 'a strategy name is letters, digits, - and _ (starting with a letter)');
  only(raw, [...VIAS, 'kind', 'maxAttempts', 'rollback'], where);
  const kind = (raw.kind ?? ((KINDS as string[]).includes(name) ? name : 'custom')) as StrategyKind;
  if (!KINDS.includes(kind)) throw new HealingConfigError(`${where}.kind`, `must be one of ${KINDS.join(', ')}`);
  const call = callOf(raw, where);
  const rollback = raw.rollback === undefined ? undefined : callOf(record(raw.rollback, `${where}.rollback`), `${where}.rollback`);
  if (rollback?.via === 'runbook') throw new HealingConfigError(`${where}.rollback`, 'a rollback cannot be a child runbook; use process, command or webhook');
  if (kind === 'escalate' && rollback) throw new HealingConfigError(`${where}.rollback`, 'an escalation has nothing to roll back');
  return { name, kind, ...call, maxAttempts: int(raw.maxAttempts, `${where}.maxAttempts`, kind === 'escalate' ? 1 : 3, 1), ...(rollback ? { rollback } : {}) };
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 10_000, maxMs: 300_000, factor: 2, resetAfterMs: 300_000 };

export function healingConfig(params: Raw): HealingConfig {
  const checksRaw = record(params.checks, 'checks');
  const checks = Object.entries(checksRaw).map(([name, raw]) => checkOf(name, record(raw, `checks.${name}`)));
  if (checks.length === 0) throw new HealingConfigError('checks', 'name at least one check, e.g. web: {http: {url: http://127.0.0.1:18081/health}}');
  const ladderRaw = record(params.ladder, 'ladder');
  const ladder = Object.entries(ladderRaw).map(([name, raw]) => strategyOf(name, record(raw, `ladder.${name}`)));
  if (ladder.length === 0) throw new HealingConfigError('ladder', 'name at least one strategy, e.g. restart: {process: {name: stable}}');
  const b = params.backoff === undefined ? {} : record(params.backoff, 'backoff');
  only(b, ['initial', 'max', 'factor', 'resetAfter'], 'backoff');
  const factor = b.factor === undefined ? DEFAULT_BACKOFF.factor : Number(b.factor);
  if (!Number.isFinite(factor) || factor < 1) throw new HealingConfigError('backoff.factor', 'must be a number ≥ 1');
  const backoff: BackoffPolicy = {
    initialMs: duration(b.initial, 'backoff.initial', DEFAULT_BACKOFF.initialMs),
    maxMs: duration(b.max, 'backoff.max', DEFAULT_BACKOFF.maxMs),
    factor,
    resetAfterMs: duration(b.resetAfter, 'backoff.resetAfter', DEFAULT_BACKOFF.resetAfterMs),
  };
  if (backoff.maxMs < backoff.initialMs) throw new HealingConfigError('backoff.max', 'must not be below backoff.initial');
  const l = params.limits === undefined ? {} : record(params.limits, 'limits');
  only(l, ['maxAttemptsPerWindow', 'window'], 'limits');
  const stopWhen = params.stopWhen ?? 'never';
  if (stopWhen !== 'never' && stopWhen !== 'settled') throw new HealingConfigError('stopWhen', 'must be never or settled');
  const slowest = Math.max(...checks.map((c) => c.periodMs * Math.max(c.failureThreshold, c.successThreshold)));
  return {
    checks,
    ladder,
    backoff,
    maxAttemptsPerWindow: int(l.maxAttemptsPerWindow, 'limits.maxAttemptsPerWindow', 6, 1),
    windowMs: duration(l.window, 'limits.window', 3_600_000),
    watchMs: Math.max(duration(params.watch, 'watch', 60_000), slowest),
    verifyMs: Math.max(duration(params.verify, 'verify', 30_000), slowest),
    trendLength: int(params.trend, 'trend', 10, 1),
    stopWhen,
  };
}
