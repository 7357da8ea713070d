/**
 * Every environment variable Genie reads, in one table: docs/configuration.md is generated
 * from it (`npm run docs`), and test/unit/config/variables.test.ts fails when the code reads
 * a variable this table does not name, or when the page is older than the table.
 *
 * A name with `<NAME>` in it is a family (`GENIE_SECRET_<NAME>`): the code builds the rest.
 * The breakers' variables live beside the code that parses them (BREAKER_ENV) and are
 * listed from there, so their defaults are written once.
 */
import { BREAKER_ENV } from '../resilience/env';

export type VariableGroup =
  | 'Temporal'
  | 'Runs and workers'
  | 'Security'
  | 'Tracing'
  | 'Demo environment, router and deploy'
  | 'Circuit breakers'
  | 'Self-healing and commands'
  | 'Chaos'
  | 'Failover'
  | 'Alerts, analysis and prediction'
  | 'Benchmarks';

export interface Variable {
  name: string;
  /** What applies when the variable is unset, in words (empty: nothing). */
  default: string;
  meaning: string;
  /** Which component reads it: worker, CLI, `genie up`, the router, a benchmark… */
  readBy: string;
  group: VariableGroup;
}

const TEMPORAL: Variable[] = [
  {
    name: 'TEMPORAL_ADDRESS',
    default: 'unset → embedded dev server',
    meaning: '`host:port` of a Temporal cluster; nothing is started',
    readBy: 'worker, CLI, `genie up`',
    group: 'Temporal',
  },
  { name: 'TEMPORAL_NAMESPACE', default: '`default`', meaning: 'namespace', readBy: 'worker, CLI', group: 'Temporal' },
  { name: 'TEMPORAL_API_KEY', default: '', meaning: 'Temporal Cloud API key', readBy: 'worker, CLI', group: 'Temporal' },
  {
    name: 'TEMPORAL_TLS',
    default: '',
    meaning: '`true`/`1`: connect with TLS; `false`/`0`: never, even with an API key or a profile that sets TLS',
    readBy: 'worker, CLI',
    group: 'Temporal',
  },
  { name: 'TEMPORAL_TLS_CLIENT_CERT_PATH', default: '', meaning: 'TLS client certificate (Temporal Cloud / TLS)', readBy: 'worker, CLI', group: 'Temporal' },
  { name: 'TEMPORAL_TLS_CLIENT_KEY_PATH', default: '', meaning: 'TLS client key (Temporal Cloud / TLS)', readBy: 'worker, CLI', group: 'Temporal' },
  {
    name: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
    default: '',
    meaning: 'CA certificate of the server (Temporal Cloud / TLS)',
    readBy: 'worker, CLI',
    group: 'Temporal',
  },
  { name: 'TEMPORAL_TLS_SERVER_NAME', default: '', meaning: 'server name to verify (Temporal Cloud / TLS)', readBy: 'worker, CLI', group: 'Temporal' },
  {
    name: 'TEMPORAL_PROFILE',
    default: '`default`',
    meaning:
      'profile of the Temporal config file to use (address, namespace, TLS, API key, gRPC headers); a `TEMPORAL_*` variable wins over the profile, field by field',
    readBy: 'worker, CLI, `genie up`',
    group: 'Temporal',
  },
  {
    name: 'TEMPORAL_CONFIG_FILE',
    default: '`~/.config/temporalio/temporal.toml` (none is fine)',
    meaning:
      'the Temporal config file (TOML) the profile is read from; a profile with an address makes `genie up` connect to it instead of starting the embedded server',
    readBy: 'worker, CLI, `genie up`',
    group: 'Temporal',
  },
  { name: 'TEMPORAL_GRPC_META_<NAME>', default: 'unset', meaning: 'a gRPC header sent with every call to Temporal', readBy: 'worker, CLI', group: 'Temporal' },
  { name: 'GENIE_TEMPORAL_PORT', default: '`7233`', meaning: 'embedded server port', readBy: '`genie up`, `genie server`', group: 'Temporal' },
  {
    name: 'GENIE_UI_PORT',
    default: '`8233` (the server port + 1000)',
    meaning: 'embedded server Web UI port',
    readBy: '`genie up`, `genie server`',
    group: 'Temporal',
  },
  {
    name: 'TEMPORAL_CLI',
    default: 'found or installed',
    meaning: 'path of the `temporal` CLI binary to use',
    readBy: '`genie up`, `genie server`, tests',
    group: 'Temporal',
  },
  {
    name: 'TEMPORAL_TEST_SERVER',
    default: 'found or installed',
    meaning: 'path of the time-skipping test server binary to use',
    readBy: 'tests',
    group: 'Temporal',
  },
];

const RUNS: Variable[] = [
  {
    name: 'PATH',
    default: "the process's",
    meaning: 'where binaries given by name are looked up (the Temporal CLI, PostgreSQL, `command.run` allowlist names)',
    readBy: 'worker, CLI',
    group: 'Runs and workers',
  },
  { name: 'GENIE_TASK_QUEUE', default: '`genie`', meaning: 'task queue of workers and runs', readBy: 'worker, CLI', group: 'Runs and workers' },
  { name: 'GENIE_STATE_DIR', default: '`.genie/`', meaning: 'dev server database, binaries, journals', readBy: 'worker, CLI', group: 'Runs and workers' },
  { name: 'GENIE_RUNBOOK_DIR', default: '`runbooks/`', meaning: 'where workers resolve runbook names', readBy: 'worker', group: 'Runs and workers' },
  { name: 'GENIE_GROUPS_FILE', default: 'unset', meaning: 'YAML `group: [members]` for `group:<name>` approvers', readBy: 'worker', group: 'Runs and workers' },
  { name: 'GENIE_USER', default: 'OS login', meaning: 'who the CLI says you are (`--as` overrides)', readBy: 'CLI', group: 'Runs and workers' },
  {
    name: 'GENIE_MAX_CACHED_WORKFLOWS',
    default: "the SDK's (from the heap size)",
    meaning:
      'runs a worker keeps in memory; others wait on the server and are replayed when they wake (bounds worker memory, see [Benchmarks](benchmarks.md#runs-waiting-on-an-approval))',
    readBy: 'worker',
    group: 'Runs and workers',
  },
  { name: 'GENIE_LOG_LEVEL', default: '`WARN`', meaning: 'worker log level (`INFO`, `DEBUG`…)', readBy: 'worker', group: 'Runs and workers' },
  {
    name: 'GENIE_CONTINUE_AS_NEW_EVENTS',
    default: '`10000`',
    meaning: 'history length after which long runs continue as new',
    readBy: 'worker',
    group: 'Runs and workers',
  },
  {
    name: 'GENIE_SEARCH_ATTRIBUTES',
    default: 'on',
    meaning: '`off`: run without search attributes (the worker sets this itself if it cannot register them)',
    readBy: 'worker',
    group: 'Runs and workers',
  },
];

const SECURITY: Variable[] = [
  {
    name: 'GENIE_KEYRING',
    default: '`.genie/keyring.json`',
    meaning: 'payload encryption keys (`{"current": id, "keys": {id: base64 of 32 bytes}}`); absent → payloads in plain JSON',
    readBy: 'worker, CLI, codec server',
    group: 'Security',
  },
  {
    name: 'GENIE_ENCRYPTION',
    default: 'on when a keyring exists',
    meaning: '`off`: run without encryption',
    readBy: 'worker, CLI, codec server',
    group: 'Security',
  },
  {
    name: 'GENIE_CODEC_TOKEN',
    default: 'unset',
    meaning: 'bearer token the codec server requires from every caller (unset: it refuses all)',
    readBy: 'codec server (`genie codec-server`, `genie up`)',
    group: 'Security',
  },
  {
    name: 'GENIE_POLICY',
    default: 'unset (overrides and starts not authorized; the worker warns)',
    meaning: 'access policy for overrides and starts (see [Access policy](security.md#access-policy))',
    readBy: 'worker',
    group: 'Security',
  },
  {
    name: 'GENIE_REQUIRE_POLICY',
    default: 'unset',
    meaning: '`1`: the worker refuses to start without `GENIE_POLICY`',
    readBy: 'worker (`genie worker`, `genie up`)',
    group: 'Security',
  },
  {
    name: 'GENIE_POLICY_KEY_<NAME>',
    default: 'unset',
    meaning: "the access policy's HMAC key for `hmac: secret://<name>`; runbooks cannot reference it",
    readBy: 'worker',
    group: 'Security',
  },
  {
    name: 'GENIE_KEY',
    default: 'unset',
    meaning: "the CLI's signing key file when `--key` is not given (overrides and `genie run`)",
    readBy: 'CLI',
    group: 'Security',
  },
  {
    name: 'GENIE_WORKER_IDENTITY',
    default: 'unset',
    meaning: "the worker's own identity in the access policy: `breaker.force` steps are signed as it (with `GENIE_WORKER_KEY`), otherwise sent unsigned",
    readBy: 'worker',
    group: 'Security',
  },
  { name: 'GENIE_WORKER_KEY', default: 'unset', meaning: 'the key file of `GENIE_WORKER_IDENTITY`', readBy: 'worker', group: 'Security' },
  {
    name: 'GENIE_SECRET_<NAME>',
    default: 'unset',
    meaning: 'the value of `secret://<name>` (upper-cased, other characters `_`; see [Secrets](security.md#secrets))',
    readBy: 'worker',
    group: 'Security',
  },
  {
    name: 'GENIE_SECRETS_FILE',
    default: 'unset',
    meaning: 'a YAML/JSON mapping where workers resolve `secret://<name>` (see [Secrets](security.md#secrets))',
    readBy: 'worker',
    group: 'Security',
  },
  {
    name: 'GENIE_SECRETS_DIR',
    default: 'unset',
    meaning: 'a directory of one file per secret where workers resolve `secret://<name>` (see [Secrets](security.md#secrets))',
    readBy: 'worker',
    group: 'Security',
  },
];

const TRACING: Variable[] = [
  {
    name: 'GENIE_TRACE',
    default: 'off',
    meaning: '`console`, `otlp`, `console,otlp` or `off` (see [Tracing](operators.md#tracing))',
    readBy: 'worker, CLI, router',
    group: 'Tracing',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    default: 'unset',
    meaning: 'OTLP/HTTP endpoint (turns tracing on), e.g. `http://jaeger:4318`',
    readBy: 'worker, CLI, router',
    group: 'Tracing',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    default: 'unset',
    meaning: 'the traces endpoint, read when `OTEL_EXPORTER_OTLP_ENDPOINT` is unset (turns tracing on)',
    readBy: 'worker, CLI, router',
    group: 'Tracing',
  },
  {
    name: 'OTEL_SERVICE_NAME',
    default: '`genie` (`genie-router` for `genie router`)',
    meaning: 'service name in traces',
    readBy: 'worker, CLI, router',
    group: 'Tracing',
  },
  {
    name: 'OTEL_RESOURCE_ATTRIBUTES',
    default: 'unset',
    meaning: 'extra resource attributes on every span, `key=value,...` ([Tracing](telemetry.md))',
    readBy: 'worker, CLI, router',
    group: 'Tracing',
  },
  {
    name: 'OTEL_PROPAGATORS',
    default: '`tracecontext`',
    meaning: 'trace headers sent and read: `tracecontext`, `baggage`, both, or `none` ([Tracing](telemetry.md))',
    readBy: 'worker, CLI, router',
    group: 'Tracing',
  },
  {
    name: 'OTEL_TRACES_SAMPLER',
    default: '`parentbased_always_on`',
    meaning: 'which traces are kept ([Tracing](telemetry.md))',
    readBy: 'worker, CLI, router',
    group: 'Tracing',
  },
  {
    name: 'OTEL_TRACES_SAMPLER_ARG',
    default: '`1`',
    meaning: 'the fraction kept by the `*traceidratio` samplers, 0 to 1',
    readBy: 'worker, CLI, router',
    group: 'Tracing',
  },
  { name: 'OTEL_SDK_DISABLED', default: 'unset', meaning: '`true`: tracing off even with an endpoint set', readBy: 'worker, CLI, router', group: 'Tracing' },
];

const DEMO: Variable[] = [
  {
    name: 'GENIE_DEMO',
    default: 'on',
    meaning: '`off`: `genie up` without the demo router and services',
    readBy: '`genie up`',
    group: 'Demo environment, router and deploy',
  },
  {
    name: 'GENIE_DEMO_HOST',
    default: '`127.0.0.1`',
    meaning: 'address the demo router and services listen on',
    readBy: '`genie up`',
    group: 'Demo environment, router and deploy',
  },
  { name: 'GENIE_ROUTER_PORT', default: '`18080`', meaning: 'demo router traffic port', readBy: '`genie up`', group: 'Demo environment, router and deploy' },
  {
    name: 'GENIE_ROUTER_ADMIN_PORT',
    default: '`18090`',
    meaning: 'demo router admin API port',
    readBy: '`genie up`',
    group: 'Demo environment, router and deploy',
  },
  { name: 'GENIE_STABLE_PORT', default: '`18081`', meaning: 'demo `stable` service port', readBy: '`genie up`', group: 'Demo environment, router and deploy' },
  { name: 'GENIE_CANARY_PORT', default: '`18082`', meaning: 'demo `canary` service port', readBy: '`genie up`', group: 'Demo environment, router and deploy' },
  {
    name: 'GENIE_DEMO_AUTO_RESTART',
    default: 'off',
    meaning: '`on`: the supervisor restarts the demo services by itself (off, so the self-healing runbook has something to heal)',
    readBy: '`genie up`',
    group: 'Demo environment, router and deploy',
  },
  {
    name: 'GENIE_DEMO_TOKEN',
    default: 'unset',
    meaning: "bearer token a demo service's `/_demo/` admin endpoint requires",
    readBy: '`genie demo-service`, `genie up`',
    group: 'Demo environment, router and deploy',
  },
  {
    name: 'GENIE_ROUTER_TOKEN',
    default: 'unset (`genie up`: generated once into `.genie/router-token`, mode 0600)',
    meaning: "bearer token of the router's admin API; the `traffic.*` actions send it (never an argument)",
    readBy: 'router, worker, `genie up`, `genie demo failover`',
    group: 'Demo environment, router and deploy',
  },
  {
    name: 'GENIE_ROUTER_ADMIN_URL',
    default: 'unset (`genie up` sets it for its worker)',
    meaning: 'the router admin API the `traffic.*` actions, chaos HTTP faults and probes use',
    readBy: 'worker',
    group: 'Demo environment, router and deploy',
  },
  {
    name: 'GENIE_PROCESS_DIR',
    default: '`.genie/processes/`',
    meaning: "the process supervisor's state and logs",
    readBy: 'worker, CLI',
    group: 'Demo environment, router and deploy',
  },
  {
    name: 'GENIE_DEPLOY_MODE',
    default: '`demo`',
    meaning: '`deploy.*` default mode (`demo`, `command` or `webhook`)',
    readBy: 'worker',
    group: 'Demo environment, router and deploy',
  },
  {
    name: 'GENIE_DEPLOY_PORTS',
    default: 'set by `genie up`',
    meaning: '`service=port,…` for demo mode',
    readBy: 'worker',
    group: 'Demo environment, router and deploy',
  },
  {
    name: 'GENIE_DEPLOY_START_COMMAND',
    default: 'unset',
    meaning: 'default argv of `deploy.start` in command mode (a JSON array)',
    readBy: 'worker',
    group: 'Demo environment, router and deploy',
  },
  {
    name: 'GENIE_DEPLOY_STOP_COMMAND',
    default: 'unset',
    meaning: 'default argv of `deploy.stop` in command mode (a JSON array)',
    readBy: 'worker',
    group: 'Demo environment, router and deploy',
  },
  {
    name: 'GENIE_DEPLOY_WEBHOOK_URL',
    default: 'unset',
    meaning: 'where webhook mode POSTs `{action, service, version, port?}`',
    readBy: 'worker',
    group: 'Demo environment, router and deploy',
  },
  {
    name: 'GENIE_DEPLOY_WEBHOOK_TOKEN',
    default: 'unset',
    meaning: 'bearer token webhook mode sends',
    readBy: 'worker',
    group: 'Demo environment, router and deploy',
  },
];

const BREAKERS: Variable[] = Object.entries(BREAKER_ENV).map(([name, [fallback, meaning]]) => ({
  name,
  default: `\`${fallback}\``,
  meaning,
  readBy: 'worker',
  group: 'Circuit breakers' as const,
}));

const HEALING: Variable[] = [
  {
    name: 'GENIE_COMMAND_ALLOWLIST',
    default: 'empty (nothing runs)',
    meaning: 'executables `command.run` may start: names (resolved on PATH) or absolute paths, comma-separated',
    readBy: 'worker',
    group: 'Self-healing and commands',
  },
  {
    name: 'GENIE_COMMAND_ENV_ALLOW',
    default: 'unset',
    meaning: 'variables commands need (comma-separated); children get PATH, HOME, LANG, LC_*, TZ, TMPDIR, USER, LOGNAME, TERM only',
    readBy: 'worker',
    group: 'Self-healing and commands',
  },
  {
    name: 'GENIE_CLEANUP_ALLOWLIST',
    default: "the state directory's `cache`",
    meaning: 'directories (comma-separated absolute paths) the self-healing cleanup rung (`heal.cleanup`) may delete in',
    readBy: 'worker',
    group: 'Self-healing and commands',
  },
];

const CHAOS: Variable[] = [
  {
    name: 'GENIE_CHAOS_TARGETS',
    default: "the demo environment's",
    meaning: 'what chaos may touch: `pool:<name> netns:<ns>/<if> host:local dir:<path> process:<name>`, space or comma separated, `*` suffix allowed',
    readBy: 'worker',
    group: 'Chaos',
  },
  { name: 'GENIE_CHAOS_DIR', default: '`.genie/chaos/faults`', meaning: 'the fault store', readBy: 'worker, CLI', group: 'Chaos' },
  { name: 'GENIE_CHAOS_REAP_INTERVAL', default: '`1s`', meaning: "how often each worker's reaper looks", readBy: 'worker', group: 'Chaos' },
  { name: 'GENIE_CHAOS_REAPER', default: 'on', meaning: '`off`: no reaper in this worker', readBy: 'worker', group: 'Chaos' },
  { name: 'GENIE_CHAOS_MAX_DURATION', default: '`30m`', meaning: "bound on every fault's duration", readBy: 'worker', group: 'Chaos' },
  { name: 'GENIE_CHAOS_MAX_MEMORY_MB', default: '`1024`', meaning: 'bound on a memory fault', readBy: 'worker', group: 'Chaos' },
  { name: 'GENIE_CHAOS_MAX_DISK_MB', default: '`1024`', meaning: 'bound on a disk fault', readBy: 'worker', group: 'Chaos' },
  { name: 'GENIE_TC', default: '`tc`', meaning: 'the `tc` binary network faults run', readBy: 'worker', group: 'Chaos' },
];

const FAILOVER: Variable[] = [
  {
    name: 'GENIE_REGIONS',
    default: 'unset',
    meaning: "the regions file: each region's app URL, router pool and PostgreSQL node",
    readBy: 'worker',
    group: 'Failover',
  },
  {
    name: 'GENIE_FAILOVER_STATE_DIR',
    default: '`<state dir>/failover`',
    meaning: "where the failover monitor's fsynced intent files live",
    readBy: 'worker',
    group: 'Failover',
  },
  {
    name: 'GENIE_FAILOVER_TEST_HOOKS',
    default: 'unset',
    meaning: '`1`: accept the failover test instruments (lying observers, redirected probes); refused otherwise',
    readBy: 'worker',
    group: 'Failover',
  },
  {
    name: 'GENIE_PG_BINDIR',
    default: '`pg_config --bindir`, `/usr/lib/postgresql/*/bin` or PATH',
    meaning: 'where the PostgreSQL server binaries are',
    readBy: '`genie demo failover`, worker',
    group: 'Failover',
  },
  {
    name: 'GENIE_PG_USER',
    default: '`genie-pg`',
    meaning: 'the system user PostgreSQL runs as when Genie runs as root (created if missing)',
    readBy: '`genie demo failover`, worker',
    group: 'Failover',
  },
  {
    name: 'GENIE_REGION_PG_PASSWORD',
    default: 'unset',
    meaning: 'the database password of `genie demo region-app` (only from the environment: a command line is visible to every user)',
    readBy: '`genie demo region-app`',
    group: 'Failover',
  },
];

const ALERTS: Variable[] = [
  {
    name: 'GENIE_ALERTS_PORT',
    default: '`9095`',
    meaning: 'port of the Alertmanager webhook intake',
    readBy: '`genie up`, `genie alerts`',
    group: 'Alerts, analysis and prediction',
  },
  {
    name: 'GENIE_ALERTS_TOKEN',
    default: 'unset',
    meaning: 'bearer token the intake requires; without it the intake refuses to listen beyond loopback',
    readBy: '`genie up`, `genie alerts`',
    group: 'Alerts, analysis and prediction',
  },
  {
    name: 'GENIE_PROMETHEUS_URL',
    default: 'unset',
    meaning: 'Prometheus-compatible query API that `analysis.measure {provider: prometheus}` asks when no `url` is given',
    readBy: 'worker',
    group: 'Alerts, analysis and prediction',
  },
  {
    name: 'GENIE_NAB_DIR',
    default: '`../shared/datasets/nab`',
    meaning: 'the NAB corpus `genie nab` and `bench:nab` score',
    readBy: '`genie nab`, benchmark',
    group: 'Alerts, analysis and prediction',
  },
];

const bench = (name: string, fallback: string, meaning: string, readBy: string): Variable => ({
  name,
  default: fallback,
  meaning,
  readBy,
  group: 'Benchmarks',
});

const BENCHMARKS: Variable[] = [
  bench(
    'GENIE_BENCH_RUNS',
    '`50` (`30` in `tracing.js` alone)',
    'runs per side for interpreter overhead, after 5 warm-ups each',
    '`npm run bench`, `bench/tracing.js`',
  ),
  bench('GENIE_BENCH_WAITING', '`1000`', 'concurrent waiting runs', '`npm run bench`'),
  bench('GENIE_BENCH_PASSES', 'the default passes', 'waiting-runs passes, by name (also `runbook-cache-250`)', '`npm run bench`'),
  bench('GENIE_BENCH_ONLY', 'unset', '`overhead` or `waiting` to run one part (the audit and tracing benches run only when neither is set)', '`npm run bench`'),
  bench('GENIE_BENCH_TRACING_RUNS', '`30`', 'runbook runs per side for tracing off vs on', '`npm run bench`'),
  bench('GENIE_BENCH_ROLLOUT_TRIALS', '`5`', 'bad-canary rollouts timed to full rollback', '`npm run bench`, `bench:rollout`'),
  bench(
    'GENIE_BENCH_MTTR_CRASHES',
    '`5` in `npm run bench`, `7` alone',
    'crashes per failureThreshold for the self-healing MTTR',
    '`npm run bench`, `bench:mttr`',
  ),
  bench('GENIE_BENCH_MTTR_THRESHOLDS', '`1,2`', 'failureThresholds, comma-separated', '`bench:mttr`'),
  bench('GENIE_BENCH_ADDRESS', '', 'Temporal frontend (host:port) of the waiting-runs worker process', 'bench worker process'),
  bench('GENIE_BENCH_NAMESPACE', '`default`', 'namespace of the waiting-runs worker process', 'bench worker process'),
  bench('GENIE_BENCH_TASK_QUEUE', '', 'the dedicated queue the waiting-runs worker process polls', 'bench worker process'),
  bench('GENIE_BENCH_MAX_CACHED', "the SDK's", 'maxCachedWorkflows of the waiting-runs worker process, or `default`', 'bench worker process'),
  bench('GENIE_BENCH_BUNDLE', "Genie's own bundle", 'a prebuilt workflow bundle file for the waiting-runs worker process', 'bench worker process'),
  bench('GENIE_BENCH_BREAKER_CALLS', '`200000`', 'calls per round', '`bench:breaker`'),
  bench('GENIE_BENCH_BREAKER_ROUNDS', '`7`', 'rounds', '`bench:breaker`'),
  bench('GENIE_BENCH_ROUTER_SECONDS', '`5`', 'seconds per latency measurement', '`bench:router`'),
  bench('GENIE_BENCH_ROUTER_THROUGHPUT_SECONDS', '`3`', 'seconds per throughput measurement', '`bench:router`'),
  bench('GENIE_BENCH_ROUTER_CONCURRENCY', '`64`', 'concurrent connections in the throughput measurement', '`bench:router`'),
  bench('GENIE_BENCH_ROUTER_ROUNDS', '`2`', 'latency rounds', '`bench:router`'),
  bench('GENIE_BENCH_ROUTER_THROUGHPUT_ROUNDS', '`5`', 'throughput rounds', '`bench:router`'),
  bench('GENIE_BENCH_NGINX', '`/usr/sbin/nginx`, `/usr/local/sbin/nginx`, `/usr/bin/nginx`', 'the nginx binary the router is compared with', '`bench:router`'),
  bench('GENIE_BENCH_CHAOS_ROUNDS', '`3`', 'rounds per measurement', '`bench:chaos`'),
  bench('GENIE_BENCH_CHAOS_TTL', '`2s`', 'fault TTL in the crash measurement', '`bench:chaos`'),
  bench('GENIE_BENCH_FAILOVER_TRIALS', '`20`', 'trials per fault (`--trials` overrides)', '`bench:failover`'),
  bench('GENIE_BENCH_CLI_ROUNDS', '`10`', 'rounds after one warm-up', '`bench:cli`'),
];

export const VARIABLES: readonly Variable[] = [
  ...TEMPORAL,
  ...RUNS,
  ...SECURITY,
  ...TRACING,
  ...DEMO,
  ...BREAKERS,
  ...HEALING,
  ...CHAOS,
  ...FAILOVER,
  ...ALERTS,
  ...BENCHMARKS,
];
