/**
 * Probes: measure one thing and judge it against its tolerance. Sources:
 * - http: `{status, headers, body, latencyMs}` (body parsed when it is JSON), like Chaos Toolkit's http provider;
 * - command: an allowlisted executable (GENIE_COMMAND_ALLOWLIST, argv, no shell) → `{status, stdout, stderr}`,
 *   like Chaos Toolkit's process provider;
 * - process: a supervisor-named process → `{running, stopped, pid}`;
 * - metric: one number from the traffic router's windowed stats (null with no requests).
 * A probe that cannot measure (refused connection, timeout) is recorded with its error and
 * fails its tolerance, as in Chaos Toolkit.
 */
import { execFile } from 'node:child_process';
import { allowedExecutable } from '../process/command-allowlist';
import { parseDuration } from '../dsl/duration';
import { httpRequest, type HttpMethod } from '../http/client';
import { snapshot, isRunning } from '../process/proc';
import { ProcessStore, defaultProcessDir } from '../process/store';
import { RouterAdminClient } from '../router/admin-client';
import type { Probe } from './spec';
import { withinTolerance } from './tolerance';
import { stateDir } from '../paths';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ProbeOutcome {
  name: string;
  at: string;
  value: unknown;
  ok: boolean;
  reason: string;
  error?: string;
}

export async function runProbe(probe: Probe, signal?: AbortSignal): Promise<ProbeOutcome> {
  const at = new Date().toISOString();
  let value: unknown;
  try {
    value = await measure(probe, signal);
  } catch (error) {
    const message = (error as Error).message;
    return { name: probe.name, at, value: null, ok: probe.tolerance === undefined, reason: `the probe failed: ${message}`, error: message };
  }
  const judged = await withinTolerance(probe.tolerance, value);
  return { name: probe.name, at, value, ...judged };
}

async function measure(probe: Probe, signal?: AbortSignal): Promise<unknown> {
  if (probe.http) {
    const h = probe.http;
    const body = h.body === undefined ? undefined : typeof h.body === 'string' ? h.body : JSON.stringify(h.body);
    const headers = { ...(body !== undefined && typeof h.body !== 'string' ? { 'content-type': 'application/json' } : {}), ...h.headers };
    const r = await httpRequest({
      method: (h.method ?? 'GET') as HttpMethod,
      url: h.url,
      headers,
      body,
      timeoutMs: h.timeout ? parseDuration(h.timeout) : 5_000,
      signal,
      breakers: false,
      maxBodyBytes: 256 * 1024,
    });
    let parsed: unknown = r.body;
    const type = String(r.headers['content-type'] ?? '');
    if (type.includes('json')) {
      try {
        parsed = JSON.parse(r.body);
      } catch {
        /* keep the text */
      }
    }
    return { status: r.status, headers: r.headers, body: parsed, latencyMs: Math.round(r.latencyMs) };
  }
  if (probe.command) return runCommand(probe.command, signal);
  if (probe.process) {
    const rec = new ProcessStore(defaultProcessDir()).read(probe.process.name);
    if (!rec?.pid) return { running: false, stopped: false, pid: null };
    const identity = { pid: rec.pid, startTicks: rec.startTicks, bootId: rec.bootId };
    const alive = isRunning(identity);
    const state = alive ? snapshot(rec.pid)?.state : undefined;
    return { running: alive && state !== 'T', stopped: state === 'T' || state === 't', pid: alive ? rec.pid : null };
  }
  if (probe.metric) {
    const m = probe.metric;
    const url = m.adminUrl ?? process.env.GENIE_ROUTER_ADMIN_URL;
    if (!url) throw new Error('no router admin URL: set GENIE_ROUTER_ADMIN_URL or give metric.adminUrl');
    const admin = new RouterAdminClient(url, routerToken(), 5_000);
    const query = new URLSearchParams({ window: m.window ?? '10s', ...(m.pool ? { pool: m.pool } : { route: m.route! }) });
    const a = await admin.call<{ pools?: Record<string, Stats>; routes?: Record<string, Stats> }>('GET', `/stats?${query}`);
    if (a.status !== 200) throw new Error(`router /stats answered ${a.status}`);
    const s = m.pool ? a.json.pools?.[m.pool] : a.json.routes?.[m.route!];
    if (!s) throw new Error(`the router has no ${m.pool ? `pool ${m.pool}` : `route ${m.route}`}`);
    return metricValue(s, m.metric);
  }
  throw new Error(`probe ${probe.name} has no source (http, command, process or metric)`);
}

interface Stats {
  requests: number;
  errors: number;
  errorRate: number;
  requestsPerSecond: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
}

function metricValue(s: Stats, metric: string): number | null {
  if (metric === 'requests') return s.requests;
  if (metric === 'errors') return s.errors;
  if (metric === 'rps') return s.requestsPerSecond;
  if (s.requests === 0) return null;
  if (metric === 'errorRate') return s.errorRate;
  return s.latencyMs[metric as 'p50' | 'p95' | 'p99'];
}

function routerToken(): string {
  if (process.env.GENIE_ROUTER_TOKEN) return process.env.GENIE_ROUTER_TOKEN;
  try {
    return fs.readFileSync(path.join(stateDir(), 'router-token'), 'utf8').trim();
  } catch {
    throw new Error('no router token: set GENIE_ROUTER_TOKEN on the worker');
  }
}

async function runCommand(c: NonNullable<Probe['command']>, signal?: AbortSignal): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const file = await allowedExecutable(c.path);
  // Chaos Toolkit splits a string of arguments on whitespace (no shell either).
  const argv = c.arguments === undefined ? [] : Array.isArray(c.arguments) ? c.arguments : c.arguments.split(/\s+/).filter(Boolean);
  return new Promise((resolve) => {
    execFile(
      file,
      argv,
      { timeout: c.timeout ? parseDuration(c.timeout) : 30_000, maxBuffer: 256 * 1024, ...(signal ? { signal } : {}) },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : null) : 0;
        resolve({ status: code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}
