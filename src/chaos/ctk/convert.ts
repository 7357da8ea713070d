/**
 * Chaos Toolkit experiments (JSON or YAML, as chaostoolkit.org documents them) as Genie
 * chaos runbooks, so they run durably with Genie's guarantees:
 *
 * - `steady-state-hypothesis.probes` → a `before` chaos.probe step (requireSteady: a system
 *   not steady before is never faulted) and an `after` one (its result decides deviated);
 * - `method` → one step per activity, in order, with `pauses.before/after` as sleep steps;
 *   a failing method activity does not stop the experiment (onError: continue), as in Chaos Toolkit;
 * - `rollbacks` → `finally:` steps, which always run (Chaos Toolkit may skip them; Genie never does);
 * - providers `http` and `process` → chaos.probe sources http and command (the executable must
 *   be in GENIE_COMMAND_ALLOWLIST); `python` and anything else is reported, naming the activity;
 * - tolerances (scalar, list, range, regex, jsonpath) are kept as they are: src/chaos/tolerance.ts
 *   applies Chaos Toolkit's own rules;
 * - `configuration` → params (`{type: env, key}` is filled from that variable by `genie run`);
 *   `secrets` of type env → `secret://<key>` references resolved on the worker (GENIE_SECRET_<KEY>),
 *   so no secret value is ever written into history; `${name}` in strings → the param or secret.
 */
import * as path from 'node:path';
import type { Diagnostic } from '../../dsl/diagnostics';
import type { ParsedSource, PathSegment } from '../../dsl/parse';
import { API_VERSION, type ParamSpec, type Runbook, type Step } from '../../dsl/types';

type Json = Record<string, any>;

export interface Converted {
  runbook?: Runbook;
  diagnostics: Diagnostic[];
  /** Configuration entries read from the environment: param name → variable. */
  envParams: Record<string, string>;
}

function isRecord(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A document is a Chaos Toolkit experiment when it has a title and a method, and no apiVersion. */
export function isChaosToolkitExperiment(value: unknown): boolean {
  return isRecord(value) && value.apiVersion === undefined && typeof value.title === 'string' && Array.isArray(value.method);
}

function slug(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return s || 'experiment';
}

function stepId(name: string, used: Set<string>): string {
  let base = name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'activity';
  if (!/^[A-Za-z_]/.test(base)) base = `a_${base}`;
  base = base.slice(0, 56);
  let id = base;
  for (let i = 2; used.has(id); i++) id = `${base}_${i}`;
  used.add(id);
  return id;
}

export function convertExperiment(source: ParsedSource): Converted {
  const exp = source.value as Json;
  const diagnostics: Diagnostic[] = [];
  const problem = (at: PathSegment[], message: string, hint: string, code: Diagnostic['code'] = 'UNKNOWN_ACTION') => {
    const pos = source.position(at);
    diagnostics.push({ file: source.file, line: pos.line, col: pos.col, code, message, hint, path: '/' + at.join('/') });
  };

  // configuration → params; secrets → secret:// references.
  const params: Record<string, ParamSpec> = {};
  const envParams: Record<string, string> = {};
  const secrets = new Map<string, string>();
  for (const [key, value] of Object.entries(isRecord(exp.configuration) ? exp.configuration : {})) {
    const name = key.replace(/[^A-Za-z0-9_]/g, '_');
    if (isRecord(value) && value.type === 'env') {
      envParams[name] = String(value.key);
      params[name] = {
        type: 'string',
        description: `Chaos Toolkit configuration ${key}, from the environment variable ${value.key}`,
        ...(value.default !== undefined ? { default: String(value.default) } : { required: true }),
      };
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      params[name] = { type: typeof value as 'string' | 'number' | 'boolean', default: value, description: `Chaos Toolkit configuration ${key}` };
    } else {
      problem(
        ['configuration', key],
        `configuration ${key} is neither a value nor {type: env, key}`,
        'Genie maps literal values and environment variables; give one of them',
      );
    }
  }
  for (const [scope, entries] of Object.entries(isRecord(exp.secrets) ? exp.secrets : {})) {
    for (const [key, value] of Object.entries(isRecord(entries) ? entries : {})) {
      if (isRecord(value) && value.type === 'env' && typeof value.key === 'string') secrets.set(key, `secret://${value.key.toLowerCase()}`);
      else
        problem(
          ['secrets', scope, key],
          `secret ${scope}.${key} is not {type: env, key}`,
          'Genie never writes secret values into a runbook or its history: read it from the environment ({type: env, key: NAME}, resolved on the worker as GENIE_SECRET_NAME)',
        );
    }
  }

  /** `${name}` → the param (as an expression) or the secret reference. */
  const substitute = (value: unknown): unknown => {
    if (typeof value === 'string' && value.includes('${')) {
      const parts: string[] = [];
      let usesParam = false;
      let last = 0;
      for (const m of value.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)) {
        parts.push(JSON.stringify(value.slice(last, m.index)));
        const name = m[1];
        if (secrets.has(name)) parts.push(JSON.stringify(secrets.get(name)));
        else if (params[name.replace(/[^A-Za-z0-9_]/g, '_')]) {
          parts.push(`$string($params.${name})`);
          usesParam = true;
        } else parts.push(JSON.stringify(m[0]));
        last = m.index! + m[0].length;
      }
      parts.push(JSON.stringify(value.slice(last)));
      const pieces = parts.filter((p) => p !== '""');
      return usesParam ? `{% ${pieces.join(' & ')} %}` : pieces.map((p) => JSON.parse(p) as string).join('');
    }
    if (Array.isArray(value)) return value.map(substitute);
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v)]));
    return value;
  };

  const named = new Map<string, { activity: Json; at: PathSegment[] }>();
  const resolve = (activity: unknown, at: PathSegment[]): { activity: Json; at: PathSegment[] } | undefined => {
    if (isRecord(activity) && typeof activity.ref === 'string') {
      const found = named.get(activity.ref);
      if (!found)
        problem(
          [...at, 'ref'],
          `activity ref ${activity.ref} names no activity defined before it`,
          'refer to the name of a probe or action defined earlier in the experiment',
        );
      return found;
    }
    if (!isRecord(activity)) {
      problem(at, 'an activity must be a mapping with type, name and provider', 'see chaostoolkit.org/reference/api/experiment/#activity');
      return undefined;
    }
    if (typeof activity.name === 'string') named.set(activity.name, { activity, at });
    return { activity, at };
  };

  /** One Chaos Toolkit activity as a Genie probe (source + tolerance), or undefined after reporting why not. */
  const toProbe = (activity: Json, at: PathSegment[], withTolerance: boolean): Json | undefined => {
    const provider = activity.provider;
    const label = `${activity.type ?? 'activity'} '${activity.name ?? '?'}'`;
    if (!isRecord(provider)) {
      problem(at, `${label} has no provider`, 'give provider: {type: http, url} or {type: process, path}');
      return undefined;
    }
    const tolerance = withTolerance && activity.tolerance !== undefined ? { tolerance: substitute(activity.tolerance) } : {};
    if (provider.type === 'http') {
      if (typeof provider.url !== 'string') {
        problem([...at, 'provider'], `${label}: the http provider needs a url`, 'give provider.url');
        return undefined;
      }
      const timeout = Array.isArray(provider.timeout) ? Math.max(...provider.timeout.map(Number)) : provider.timeout;
      return {
        name: String(activity.name ?? 'http'),
        http: {
          url: substitute(provider.url),
          method: String(provider.method ?? 'GET').toUpperCase(),
          ...(isRecord(provider.headers) ? { headers: substitute(provider.headers) } : {}),
          ...(provider.arguments !== undefined ? { body: substitute(provider.arguments) } : {}),
          ...(typeof timeout === 'number' ? { timeout: `${timeout}s` } : {}),
        },
        ...tolerance,
      };
    }
    if (provider.type === 'process') {
      const args = Array.isArray(provider.arguments)
        ? provider.arguments.map((x: unknown) => String(substitute(x)))
        : typeof provider.arguments === 'string'
          ? String(substitute(provider.arguments))
          : undefined;
      if (isRecord(provider.arguments)) {
        problem(
          [...(provider.arguments ? [...at, 'provider', 'arguments'] : at)],
          `${label}: process arguments given as a mapping are not supported`,
          'give arguments as a string or a list',
        );
        return undefined;
      }
      return {
        name: String(activity.name ?? 'process'),
        command: {
          path: String(substitute(provider.path)),
          ...(args !== undefined ? { arguments: args } : {}),
          ...(typeof provider.timeout === 'number' ? { timeout: `${provider.timeout}s` } : {}),
        },
        ...tolerance,
      };
    }
    const module = provider.type === 'python' ? ` (module ${provider.module ?? '?'}, func ${provider.func ?? '?'})` : '';
    problem(
      [...at, 'provider', 'type'],
      `${label} uses the ${String(provider.type)} provider${module}, which Genie cannot run`,
      'Genie runs Chaos Toolkit activities with the http and process providers; replace it with one of them, or write the step as a Genie action (e.g. chaos.inject)',
    );
    return undefined;
  };

  const used = new Set<string>(['before', 'after', 'report', 'cleanup', 'finalReport']);
  const hypothesis = isRecord(exp['steady-state-hypothesis']) ? exp['steady-state-hypothesis'] : undefined;
  const hypothesisProbes: Json[] = [];
  (Array.isArray(hypothesis?.probes) ? hypothesis!.probes : []).forEach((p: unknown, i: number) => {
    const at = ['steady-state-hypothesis', 'probes', i];
    const r = resolve(p, at);
    if (!r) return;
    if (r.activity.tolerance === undefined)
      problem(
        r.at,
        `hypothesis probe '${r.activity.name}' has no tolerance`,
        'every steady-state probe needs a tolerance (Chaos Toolkit requires it too)',
        'SCHEMA_REQUIRED',
      );
    const probe = toProbe(r.activity, r.at, true);
    if (probe) hypothesisProbes.push(probe);
  });

  const activitySteps = (list: unknown, section: string, forRollback: boolean): Step[] => {
    const steps: Step[] = [];
    (Array.isArray(list) ? list : []).forEach((item: unknown, i: number) => {
      const r = resolve(item, [section, i]);
      if (!r) return;
      const a = r.activity;
      const id = stepId(String(a.name ?? `${section}_${i}`), used);
      const pauses = isRecord(a.pauses) ? a.pauses : {};
      if (typeof pauses.before === 'number' && pauses.before > 0) steps.push({ id: stepId(`${id}_pause_before`, used), sleep: `${pauses.before}s` });
      const probe = toProbe(a, r.at, false);
      if (probe) {
        steps.push({
          id,
          name: `${a.type ?? 'activity'}: ${a.name ?? id}`,
          action: 'chaos.probe',
          onError: 'continue',
          with: { phase: forRollback ? 'rollback' : 'method', probes: [probe] },
        } as Step);
      }
      if (typeof pauses.after === 'number' && pauses.after > 0) steps.push({ id: stepId(`${id}_pause_after`, used), sleep: `${pauses.after}s` });
    });
    return steps;
  };

  const method = activitySteps(exp.method, 'method', false);
  const rollbacks = activitySteps(exp.rollbacks, 'rollbacks', true);
  if (method.length === 0 && diagnostics.length === 0) problem(['method'], 'the method has no activities', 'add at least one action or probe to method');
  if (diagnostics.length > 0) return { diagnostics, envParams };

  const steps: Step[] = [];
  if (hypothesisProbes.length)
    steps.push({
      id: 'before',
      name: `steady state before: ${hypothesis?.title ?? ''}`.trim(),
      action: 'chaos.probe',
      with: { phase: 'before', requireSteady: true, probes: hypothesisProbes },
    } as Step);
  steps.push(...method);
  if (hypothesisProbes.length)
    steps.push({
      id: 'after',
      name: `steady state after: ${hypothesis?.title ?? ''}`.trim(),
      action: 'chaos.probe',
      with: { phase: 'after', probes: structuredClone(hypothesisProbes) },
    } as Step);
  const reportWith = (status: string) => ({
    status,
    run: '{% $run.id %}',
    ...(hypothesisProbes.length ? { before: '{% $steps.before %}', after: '{% $steps.after %}' } : {}),
    ...(status === 'succeeded' ? {} : { error: '{% $error %}' }),
  });
  steps.push({ id: 'report', action: 'chaos.report', with: reportWith('succeeded') } as Step);

  const runbook: Runbook = {
    apiVersion: API_VERSION,
    kind: 'chaos',
    metadata: {
      name: slug(String(exp.title ?? path.basename(source.file))),
      version: '1.0.0',
      description: [exp.title, exp.description].filter(Boolean).join(' — ') + ` (imported from the Chaos Toolkit experiment ${path.basename(source.file)})`,
      labels: { source: 'chaostoolkit' },
    },
    ...(Object.keys(params).length ? { params } : {}),
    steps,
    finally: [
      ...rollbacks,
      { id: 'cleanup', action: 'chaos.remove', with: { run: '{% $run.id %}', reason: 'experiment ended' } } as Step,
      { id: 'finalReport', if: "{% $status != 'succeeded' %}", action: 'chaos.report', with: { ...reportWith('{% $status %}') } } as Step,
    ],
    outputs: { verdict: '{% $steps.report.output.verdict %}', ctkStatus: '{% $steps.report.output.ctkStatus %}', report: '{% $steps.report.output %}' },
  };
  return { runbook, diagnostics, envParams };
}
