/**
 * docker-compose.yml and the Dockerfile describe Genie "beyond one machine" (docs/architecture.md):
 * a Temporal cluster on PostgreSQL, its UI, and N stateless workers. No container runs
 * here, so these tests check the wiring statically: what must exist, what must wait for
 * what, and that every image is pinned.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../../src/paths';

type Service = Record<string, unknown>;
type Compose = { services: Record<string, Service>; volumes?: Record<string, unknown> };

const composePath = path.join(projectRoot, 'docker-compose.yml');
const dockerfilePath = path.join(projectRoot, 'Dockerfile');

const SETUP = 'temporal-setup';
const SEARCH_ATTRIBUTES = ['RunbookKind', 'RunbookName', 'RunbookStatus', 'RunbookTarget'];

function loadCompose(): Compose {
  const doc = parse(fs.readFileSync(composePath, 'utf8')) as Compose;
  assert.ok(doc && typeof doc.services === 'object', 'docker-compose.yml has no services');
  return doc;
}

function service(doc: Compose, name: string): Service {
  const svc = doc.services[name];
  assert.ok(svc, `docker-compose.yml has no service "${name}"`);
  return svc;
}

/** `environment` as a map, whichever of the two compose syntaxes the file uses. */
function envOf(svc: Service): Record<string, string | null> {
  const env = svc.environment;
  if (env === undefined) return {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry: string) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, null] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env as Record<string, unknown>).map(([k, v]) => [k, v === null ? null : String(v)]));
}

/** `depends_on` as name -> condition, whichever syntax (short list or long map). */
function dependsOn(svc: Service): Record<string, string> {
  const deps = svc.depends_on;
  if (deps === undefined) return {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d: string) => [d, 'service_started']));
  return Object.fromEntries(Object.entries(deps as Record<string, { condition?: string } | null>).map(([k, v]) => [k, v?.condition ?? 'service_started']));
}

/** Every service reachable from `start` through depends_on, directly or transitively. */
function dependencyClosure(doc: Compose, start: string): Set<string> {
  const seen = new Set<string>();
  const queue = Object.keys(dependsOn(service(doc, start)));
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...Object.keys(dependsOn(service(doc, next))));
  }
  return seen;
}

/** The shell text a service runs: entrypoint and command, in either string or list form. */
function scriptOf(svc: Service): string {
  return [svc.entrypoint, svc.command]
    .flat()
    .filter((part): part is string => typeof part === 'string')
    .join('\n');
}

/** Splits `repo[:tag][@digest]`, minding registries with ports (`host:5000/repo:tag`). */
function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon < 0 ? undefined : withoutDigest.slice(colon + 1);
}

/** A version-looking tag: starts with a digit and has at least major.minor (16.13, 1.31.2). */
const PINNED_TAG = /^\d+\.\d+[\w.-]*$/;

/** Dockerfile instructions with continuations joined and comments dropped. */
function dockerfileInstructions(text: string): { keyword: string; args: string }[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const match = /^(\S+)\s*(.*)$/.exec(line)!;
      return { keyword: match[1].toUpperCase(), args: match[2] };
    });
}

describe('deploy: docker-compose.yml', () => {
  it('defines the database, Temporal, its setup, the UI and the worker', () => {
    const doc = loadCompose();
    for (const name of ['postgresql', 'temporal', SETUP, 'temporal-ui', 'genie-worker']) service(doc, name);
  });

  it('pins every image to a version tag, never latest', () => {
    const doc = loadCompose();
    for (const [name, svc] of Object.entries(doc.services)) {
      if (svc.image === undefined) {
        assert.ok(svc.build !== undefined, `service "${name}" has neither image nor build`);
        continue;
      }
      const image = String(svc.image);
      assert.ok(!image.includes('${'), `service "${name}": image "${image}" is chosen by interpolation`);
      const tag = imageTag(image);
      assert.ok(tag !== undefined, `service "${name}": image "${image}" has no tag (it would mean :latest)`);
      assert.notEqual(tag, 'latest', `service "${name}": image "${image}" uses :latest`);
      assert.match(tag, PINNED_TAG, `service "${name}": image "${image}" is not pinned to a version`);
    }
  });

  it('runs Temporal on PostgreSQL, started only once the database is healthy', () => {
    const doc = loadCompose();
    const temporal = service(doc, 'temporal');
    assert.equal(dependsOn(temporal).postgresql, 'service_healthy');
    const env = envOf(temporal);
    assert.match(env.DB ?? '', /^postgres/, 'temporal: DB must select a PostgreSQL plugin');
    assert.equal(env.POSTGRES_SEEDS, 'postgresql', 'temporal: POSTGRES_SEEDS must name the compose database');
    assert.match(String(service(doc, 'postgresql').image), /^postgres:/);
  });

  it('keeps the database in a named volume', () => {
    const doc = loadCompose();
    const volumes = (service(doc, 'postgresql').volumes ?? []) as unknown[];
    const named = volumes
      .map((v) => (typeof v === 'string' ? v.split(':')[0] : (v as { source?: string }).source))
      .filter((source): source is string => !!source && !source.startsWith('.') && !source.startsWith('/'));
    assert.ok(named.length > 0, 'postgresql: data is not on a named volume');
    for (const source of named) assert.ok(doc.volumes && source in doc.volumes, `volume "${source}" is not declared`);
  });

  it('health-checks PostgreSQL and Temporal', () => {
    const doc = loadCompose();
    for (const name of ['postgresql', 'temporal']) {
      const check = service(doc, name).healthcheck as { test?: unknown; disable?: boolean } | undefined;
      assert.ok(check && check.test !== undefined && !check.disable, `service "${name}" has no healthcheck`);
      assert.notDeepEqual(check.test, ['NONE'], `service "${name}" disables its healthcheck`);
    }
    const pgTest = (service(doc, 'postgresql').healthcheck as { test: string | string[] }).test;
    assert.match([pgTest].flat().join(' '), /pg_isready/);
  });

  it('points the worker at the compose Temporal service and waits for it through its dependencies', () => {
    const doc = loadCompose();
    const worker = service(doc, 'genie-worker');
    const env = envOf(worker);
    assert.equal(env.TEMPORAL_ADDRESS, 'temporal:7233');
    assert.ok(env.TEMPORAL_NAMESPACE, 'genie-worker: TEMPORAL_NAMESPACE is not set');
    const reachable = dependencyClosure(doc, 'genie-worker');
    assert.ok(reachable.has('temporal'), 'genie-worker does not (transitively) depend on temporal');
    assert.ok(reachable.has(SETUP), `genie-worker starts before ${SETUP} registered the search attributes`);
    assert.equal(dependsOn(worker)[SETUP], 'service_completed_successfully');
  });

  it('runs more than one worker, to show they scale horizontally', () => {
    const worker = service(loadCompose(), 'genie-worker');
    const replicas = (worker.deploy as { replicas?: number } | undefined)?.replicas ?? 1;
    assert.ok(replicas >= 2, `genie-worker runs ${replicas} replica(s)`);
    assert.equal(worker.container_name, undefined, 'a fixed container_name prevents running replicas');
  });

  it('points the UI at the compose Temporal service', () => {
    const doc = loadCompose();
    assert.equal(envOf(service(doc, 'temporal-ui')).TEMPORAL_ADDRESS, 'temporal:7233');
  });

  it('registers exactly the four Runbook* search attributes, all Keyword', () => {
    const doc = loadCompose();
    const setup = service(doc, SETUP);
    const script = scriptOf(setup);
    assert.match(script, /temporal operator search-attribute create/);
    const pairs = [...script.matchAll(/--name\s+(\S+)\s+--type\s+(\S+)/g)].map((m) => [m[1], m[2]] as const);
    assert.deepEqual(pairs.map(([name]) => name).sort(), SEARCH_ATTRIBUTES);
    for (const [name, type] of pairs) assert.equal(type, 'Keyword', `${name} is registered as ${type}`);
    assert.equal(dependsOn(setup).temporal, 'service_healthy');
    assert.equal(envOf(setup).TEMPORAL_ADDRESS, 'temporal:7233');
    assert.equal(String(setup.restart ?? 'no'), 'no', `${SETUP} is one-shot and must not restart`);
  });

  it('creates the namespace the worker uses', () => {
    const doc = loadCompose();
    const workerNamespace = envOf(service(doc, 'genie-worker')).TEMPORAL_NAMESPACE;
    const setup = service(doc, SETUP);
    assert.equal(envOf(setup).TEMPORAL_NAMESPACE, workerNamespace);
    assert.match(scriptOf(setup), /temporal operator namespace create/);
  });

  it('runs Jaeger all-in-one with OTLP over HTTP on 4318 and its UI published', () => {
    const jaeger = service(loadCompose(), 'jaeger');
    assert.match(String(jaeger.image), /^jaegertracing\/all-in-one:/);
    assert.notEqual(String(envOf(jaeger).COLLECTOR_OTLP_ENABLED ?? 'true'), 'false');
    const published = ((jaeger.ports ?? []) as unknown[]).map((p) => String(p).replace(/^"|"$/g, ''));
    assert.ok(published.includes('16686:16686'), 'the Jaeger UI (16686) is not published');
    assert.ok(published.includes('4318:4318'), 'OTLP/HTTP (4318) is not published for the host');
  });

  it("sends the workers' spans to Jaeger over OTLP/HTTP, without making Jaeger a condition of running", () => {
    const doc = loadCompose();
    const worker = service(doc, 'genie-worker');
    const env = envOf(worker);
    assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://jaeger:4318');
    assert.notEqual(env.GENIE_TRACE, 'off');
    assert.ok(env.OTEL_SERVICE_NAME, 'genie-worker: OTEL_SERVICE_NAME names the service in Jaeger');
    assert.equal(dependsOn(worker).jaeger, 'service_started');
  });

  it('builds the worker from the repository Dockerfile', () => {
    const build = service(loadCompose(), 'genie-worker').build;
    const context = typeof build === 'string' ? build : (build as { context?: string }).context;
    const dockerfile = typeof build === 'string' ? undefined : (build as { dockerfile?: string }).dockerfile;
    assert.equal(path.resolve(projectRoot, context ?? '.'), projectRoot);
    assert.equal(path.resolve(projectRoot, context ?? '.', dockerfile ?? 'Dockerfile'), dockerfilePath);
  });
});

describe('deploy: Dockerfile', () => {
  const read = () => {
    assert.ok(fs.existsSync(dockerfilePath), 'Dockerfile is missing');
    return dockerfileInstructions(fs.readFileSync(dockerfilePath, 'utf8'));
  };
  /** Instructions of the last stage: the image that actually ships. */
  const finalStage = () => {
    const all = read();
    const lastFrom = all.map((i) => i.keyword).lastIndexOf('FROM');
    return all.slice(lastFrom);
  };

  it('builds in stages from pinned base images', () => {
    const froms = read().filter((i) => i.keyword === 'FROM');
    assert.ok(froms.length >= 2, 'expected a build stage and a runtime stage');
    for (const from of froms) {
      const image = from.args.split(/\s+/).find((word) => !word.startsWith('--'))!;
      const tag = imageTag(image);
      assert.ok(tag && PINNED_TAG.test(tag), `FROM ${image} is not pinned to a version tag`);
    }
  });

  it('runs as a non-root user', () => {
    const users = finalStage().filter((i) => i.keyword === 'USER');
    assert.ok(users.length > 0, 'the runtime stage sets no USER, so it runs as root');
    const user = users[users.length - 1].args.split(':')[0].trim();
    assert.ok(!['root', '0'].includes(user), `the runtime stage runs as ${user}`);
  });

  it('starts the Genie CLI, defaulting to the worker', () => {
    const stage = finalStage();
    const entrypoint = stage.filter((i) => i.keyword === 'ENTRYPOINT').pop();
    assert.ok(entrypoint, 'the runtime stage has no ENTRYPOINT');
    const argv = JSON.parse(entrypoint.args) as string[];
    assert.deepEqual(argv, ['node', 'dist/src/cli/main.js']);
    const cmd = stage.filter((i) => i.keyword === 'CMD').pop();
    assert.ok(cmd, 'the runtime stage has no CMD');
    assert.deepEqual(JSON.parse(cmd.args), ['worker']);
  });

  it('keeps local builds and state out of the build context', () => {
    const ignorePath = path.join(projectRoot, '.dockerignore');
    assert.ok(fs.existsSync(ignorePath), '.dockerignore is missing');
    const patterns = fs
      .readFileSync(ignorePath, 'utf8')
      .split('\n')
      .map((line) => line.trim());
    for (const required of ['node_modules', 'dist', '.genie', '.git']) {
      assert.ok(patterns.includes(required), `.dockerignore does not exclude ${required}`);
    }
  });
});

/**
 * `docker compose config` validates the file with Compose's own loader and needs no engine.
 * It only runs where the compose plugin is installed; elsewhere the suite says so instead of
 * passing silently.
 */
function composeCliAvailable(): { ok: true } | { ok: false; why: string } {
  const docker = spawnSync('docker', ['--version'], { encoding: 'utf8' });
  if (docker.error || docker.status !== 0) return { ok: false, why: 'no `docker` client on PATH' };
  const compose = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
  if (compose.error || compose.status !== 0) {
    return { ok: false, why: 'the `docker` client has no compose plugin (`docker compose version` failed)' };
  }
  return { ok: true };
}

describe('deploy: docker compose config', () => {
  const cli = composeCliAvailable();
  if (!cli.ok) {
    console.log(`    note: \`docker compose config\` validation not run: ${cli.why}`);
    return;
  }
  it('is accepted by `docker compose config --quiet`', function () {
    const result = spawnSync('docker', ['compose', '-f', composePath, 'config', '--quiet'], {
      cwd: projectRoot,
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (result.status !== 0 && /cannot connect to the docker daemon/i.test(result.stderr)) {
      // Not expected (config is client-side), but an engine-less machine must not fail the suite.
      console.log(`    note: docker compose config needed an engine: ${result.stderr.trim()}`);
      this.skip();
    }
    assert.equal(result.status, 0, `docker compose config failed:\n${result.stderr}`);
  });
});
