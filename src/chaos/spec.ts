/**
 * The argument shapes of the chaos actions (one TypeBox source for the validator and the
 * activities): faults, targets with a blast radius, probes and their tolerances. Bounds a
 * schema cannot say (the allowlist, the maximum duration, a range whose min exceeds its max)
 * are checked by checks.ts, at validation for literal values and again at run time.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Duration } from '../dsl/types';

const Percent = Type.Number({ minimum: 0, maximum: 100 });

export const HttpFault = Type.Object(
  {
    latency: Type.Optional({ ...Duration, description: 'Latency the router adds before the request goes upstream' }),
    latencyPercent: Type.Optional({ ...Percent, description: 'Share of requests delayed (default 100)' }),
    abortPercent: Type.Optional({ ...Percent, description: 'Share of requests whose connection is reset' }),
    errorPercent: Type.Optional({ ...Percent, description: 'Share of requests answered with errorStatus without going upstream' }),
    errorStatus: Type.Optional(Type.Integer({ minimum: 400, maximum: 599, description: 'Status of injected errors (default 503)' })),
    adminUrl: Type.Optional(Type.String({ minLength: 1, description: 'Router admin API (default $GENIE_ROUTER_ADMIN_URL)' })),
  },
  { additionalProperties: false, description: 'Router fault on the target pools' },
);

export const NetworkFault = Type.Object(
  {
    delay: Type.Optional({ ...Duration, description: 'netem delay added to every packet leaving the interface' }),
    jitter: Type.Optional({ ...Duration, description: 'netem jitter around the delay' }),
    loss: Type.Optional({ ...Percent, description: 'netem packet loss percent' }),
    partition: Type.Optional(Type.Boolean({ description: 'Drop everything (blackhole qdisc): a full partition' })),
  },
  { additionalProperties: false, description: 'Traffic control on an interface inside a network namespace (target netns/interface)' },
);

export const CpuFault = Type.Object(
  {
    cores: Type.Integer({ minimum: 1, maximum: 256, description: 'Worker threads spinning, one core each (at most the host has)' }),
    load: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Percent of each core to burn (default 100)' })),
  },
  { additionalProperties: false },
);

export const MemoryFault = Type.Object(
  { mb: Type.Integer({ minimum: 1, description: 'MiB allocated and touched (at most GENIE_CHAOS_MAX_MEMORY_MB, default 1024)' }) },
  { additionalProperties: false },
);

export const DiskFault = Type.Object(
  { mb: Type.Integer({ minimum: 1, description: 'MiB written into the target directory (at most GENIE_CHAOS_MAX_DISK_MB, default 1024)' }) },
  { additionalProperties: false },
);

export const ProcessFault = Type.Object(
  { signal: Type.Union([Type.Literal('SIGSTOP'), Type.Literal('SIGKILL')], { description: 'SIGSTOP (removed by SIGCONT) or SIGKILL (not reversible)' }) },
  { additionalProperties: false },
);

export const FAULT_KINDS = ['http', 'network', 'cpu', 'memory', 'disk', 'process'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const Fault = Type.Object(
  {
    http: Type.Optional(HttpFault),
    network: Type.Optional(NetworkFault),
    cpu: Type.Optional(CpuFault),
    memory: Type.Optional(MemoryFault),
    disk: Type.Optional(DiskFault),
    process: Type.Optional(ProcessFault),
  },
  { additionalProperties: false, minProperties: 1, maxProperties: 1, description: 'Exactly one of http, network, cpu, memory, disk, process' },
);

export const SELECT_PATTERN = '^(all|count\\(\\d+\\)|percent\\(\\d+(\\.\\d+)?\\))$';
export const Targets = Type.Object(
  {
    from: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      maxItems: 256,
      description: 'Candidate targets, each in the allowlist: pool, netns/interface, local, directory or process name',
    }),
    select: Type.Optional(
      Type.String({ pattern: SELECT_PATTERN, description: 'Blast radius: all (default), count(n) or percent(p) of from, chosen reproducibly per run' }),
    ),
  },
  { additionalProperties: false },
);

export type FaultSpec = Static<typeof Fault>;

/** Chaos Toolkit tolerances: a scalar, a list (membership, or [min, max]), or {type: range|regex|jsonpath|expression}. */
export const Tolerance = Type.Union([
  Type.Boolean(),
  Type.Number(),
  Type.String(),
  Type.Null(),
  Type.Array(Type.Unknown()),
  Type.Object(
    { type: Type.Literal('range'), range: Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }), target: Type.Optional(Type.String()) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('regex'), pattern: Type.String({ minLength: 1 }), target: Type.Optional(Type.String()) }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('jsonpath'),
      path: Type.String({ minLength: 1 }),
      target: Type.Optional(Type.String()),
      expect: Type.Optional(Type.Unknown()),
      count: Type.Optional(Type.Integer({ minimum: 0 })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('expression'), expression: Type.String({ minLength: 1, description: 'JSONata over the probe value ($value), without {% %}' }) },
    { additionalProperties: false },
  ),
]);
export type Tolerance = Static<typeof Tolerance>;

export const Probe = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    http: Type.Optional(
      Type.Object(
        {
          url: Type.String({ minLength: 1 }),
          method: Type.Optional(Type.String({ pattern: '^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$' })),
          headers: Type.Optional(Type.Record(Type.String(), Type.String())),
          body: Type.Optional(Type.Unknown()),
          timeout: Type.Optional(Duration),
        },
        { additionalProperties: false },
      ),
    ),
    command: Type.Optional(
      Type.Object(
        {
          path: Type.String({ minLength: 1, description: 'An executable in GENIE_COMMAND_ALLOWLIST (no shell)' }),
          arguments: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
          timeout: Type.Optional(Duration),
        },
        { additionalProperties: false },
      ),
    ),
    process: Type.Optional(Type.Object({ name: Type.String({ minLength: 1, description: 'A process supervisor name' }) }, { additionalProperties: false })),
    metric: Type.Optional(
      Type.Object(
        {
          pool: Type.Optional(Type.String({ minLength: 1 })),
          route: Type.Optional(Type.String({ minLength: 1 })),
          metric: Type.Union(['requests', 'errors', 'errorRate', 'p50', 'p95', 'p99', 'rps'].map((m) => Type.Literal(m))),
          window: Type.Optional(Type.Union([Type.Literal('10s'), Type.Literal('60s')])),
          adminUrl: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    tolerance: Type.Optional(Tolerance),
  },
  { additionalProperties: false, minProperties: 2 },
);
export type Probe = Static<typeof Probe>;

export const ProbeArgs = Type.Object(
  {
    probes: Type.Array(Probe, { minItems: 1, maxItems: 64 }),
    requireSteady: Type.Optional(Type.Boolean({ description: 'Fail with NOT_STEADY when a tolerance is not met (before the fault: nothing is injected)' })),
    phase: Type.Optional(Type.String({ description: 'before, after, during... recorded with the values' })),
  },
  { additionalProperties: false },
);
export type ProbeArgs = Static<typeof ProbeArgs>;

export const InjectArgs = Type.Object(
  {
    fault: Fault,
    targets: Targets,
    duration: { ...Duration, description: 'How long the fault is held: required, at most GENIE_CHAOS_MAX_DURATION (default 30m); then it is removed' },
    ttl: Type.Optional({ ...Duration, description: "Dead-man's switch: without a heartbeat for this long the reaper removes the fault (default 10s)" }),
    dryRun: Type.Optional(Type.Boolean({ description: 'Check and select everything, inject nothing' })),
    probes: Type.Optional(
      Type.Array(Probe, { minItems: 1, maxItems: 16, description: 'onChaos probes, measured while the fault is held (every probeInterval)' }),
    ),
    probeInterval: Type.Optional({ ...Duration, description: 'How often the probes are measured while the fault is held (default 1s)' }),
    stopOnBreach: Type.Optional(
      Type.Boolean({ description: 'A probe out of tolerance ends the fault at once (a stop condition checked in the holding process)' }),
    ),
  },
  { additionalProperties: false },
);
export type InjectArgs = Static<typeof InjectArgs>;
