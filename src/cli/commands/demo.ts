/**
 * genie demo failover: real PostgreSQL regions with streaming replication, a sample app per
 * region and the router in front, on loopback, until Ctrl-C (src/failover/environment.ts).
 * genie demo region-app: one region's sample app (what the environment runs per region).
 */
import type { Command, Values } from '../command';
import { EXIT, type Output, UsageError } from '../output';
import { portOption } from '../port-option';
import { untilSignal } from '../until-signal';

async function failover(values: Values, out: Output): Promise<number> {
  const regionsArg = values.regions as string | undefined;
  const regions =
    regionsArg === undefined
      ? 3
      : /^\d+$/.test(regionsArg)
        ? Number(regionsArg)
        : regionsArg
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
  // Loaded on use: every other command starts without the PostgreSQL client.
  const { PostgresNotFoundError, startFailoverEnvironment } = await import('../../failover');
  let env;
  try {
    env = await startFailoverEnvironment({
      regions,
      synchronous: Boolean(values.sync),
      ...(values['upstream-timeout'] ? { upstreamTimeout: values['upstream-timeout'] as string } : {}),
      ...(process.env.GENIE_ROUTER_TOKEN ? { token: process.env.GENIE_ROUTER_TOKEN } : {}),
      log: values.verbose ? (line) => out.warn(line) : () => undefined,
    });
  } catch (error) {
    if (error instanceof PostgresNotFoundError) throw new UsageError(error.message, EXIT.failed);
    if (error instanceof Error && /region name|at least 2 regions|must differ/.test(error.message)) throw new UsageError(`--regions: ${error.message}`);
    throw error;
  }
  const [primary, ...standbys] = env.regions;
  out.print(
    `Failover demo: ${env.regions.length} regions, ${env.synchronous ? 'synchronous' : 'asynchronous'} streaming replication (everything under ${env.dir})`,
  );
  for (const r of env.regions)
    out.print(`  ${r.name.padEnd(4)} ${r === primary ? 'primary' : 'standby'}  app ${r.appUrl}   postgres ${r.pg.host}:${r.pg.port} (${r.pg.dataDir})`);
  out.print(
    `Router: ${env.routerUrl} (route "${env.route}": ${primary!.pool} 100${standbys.map((s) => ` / ${s.pool} 0`).join('')})   admin API: ${env.adminUrl}`,
  );
  out.print('');
  out.print('For a worker or the CLI in another terminal:');
  out.print(`  export GENIE_REGIONS=${env.regionsFile} GENIE_ROUTER_ADMIN_URL=${env.adminUrl}`);
  out.print(process.env.GENIE_ROUTER_TOKEN ? '  (GENIE_ROUTER_TOKEN: the one you set)' : `  export GENIE_ROUTER_TOKEN=$(cat ${env.dir}/router-token)`);
  out.print(`Try: curl -X POST ${env.routerUrl}/write -d '{"seq":1}'    psql -h 127.0.0.1 -p ${primary!.pg.port} -U postgres -c 'select * from genie_writes'`);
  out.print('Ctrl-C stops every process and removes the directory.');
  // The servers are detached children: nothing else keeps this process alive.
  await untilSignal({ keepAlive: true });
  out.print('stopping…');
  await env.stop();
  return EXIT.ok;
}

async function regionApp(values: Values, out: Output): Promise<number> {
  const region = values.region as string | undefined;
  if (!region) throw new UsageError('--region is required');
  const { startRegionApp } = await import('../../failover/region-app');
  const app = await startRegionApp({
    region,
    port: portOption(values.port, '--port', 0),
    ...(values.host ? { host: values.host as string } : {}),
    pg: {
      host: (values['pg-host'] as string | undefined) ?? '127.0.0.1',
      port: portOption(values['pg-port'], '--pg-port'),
      ...(values['pg-database'] ? { database: values['pg-database'] as string } : {}),
      ...(values['pg-user'] ? { user: values['pg-user'] as string } : {}),
      // Only from the environment: a password on the command line is visible to every user of the host.
      ...(process.env.GENIE_REGION_PG_PASSWORD ? { password: process.env.GENIE_REGION_PG_PASSWORD } : {}),
    },
  });
  out.print(`region-app ${region} listening on ${app.url}`);
  await untilSignal({ keepAlive: true });
  await app.close();
  return EXIT.ok;
}

function noArguments(run: (values: Values, out: Output) => Promise<number>): Command['run'] {
  return (values, extra, out) => {
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    return run(values, out);
  };
}

export const command: Command = {
  name: 'demo',
  summary: "Demo environments: `failover` (real PostgreSQL regions + router), `region-app` (one region's sample app).",
  usage:
    'genie demo failover [--regions 3|r1,r2,r3] [--sync] [--upstream-timeout 2s] [--verbose]\n       genie demo region-app --region R --pg-port P [--port N] [--host H] [--pg-host H] [--pg-database D] [--pg-user U]',
  details: [
    '  failover: initdb + pg_basebackup standbys (PostgreSQL server binaries needed: apt-get install postgresql), one',
    '  region app per region (POST /write, GET /health, GET /stats) and the router with route "app" on the first region.',
    '  As root, PostgreSQL runs as the system user GENIE_PG_USER (default genie-pg, created if missing).',
    '  --sync: synchronous replication (ANY 1 of the other regions must have each commit).',
    '  region-app: GENIE_REGION_PG_PASSWORD is its database password, if any.',
  ],
  options: {
    regions: { type: 'string', help: 'failover: how many regions (default 3), or their names r1,r2,r3' },
    sync: { type: 'boolean', help: 'failover: synchronous replication (ANY 1 of the other regions)' },
    'upstream-timeout': { type: 'string', help: "failover: the router's upstream timeout (e.g. 2s)" },
    verbose: { type: 'boolean', help: 'failover: log what the environment does to stderr' },
    region: { type: 'string', help: 'region-app: the region it serves (required)' },
    port: { type: 'string', help: 'region-app: port to listen on (default: any free port)' },
    host: { type: 'string', help: 'region-app: address to listen on' },
    'pg-host': { type: 'string', help: 'region-app: PostgreSQL host (default 127.0.0.1)' },
    'pg-port': { type: 'string', help: 'region-app: PostgreSQL port (required)' },
    'pg-database': { type: 'string', help: 'region-app: PostgreSQL database' },
    'pg-user': { type: 'string', help: 'region-app: PostgreSQL user' },
  },
  subcommands: [
    {
      name: 'failover',
      summary: 'Real PostgreSQL regions with streaming replication, a sample app per region and the router, until Ctrl-C.',
      usage: 'genie demo failover [--regions 3|r1,r2,r3] [--sync] [--upstream-timeout 2s] [--verbose]',
      options: {},
      run: noArguments(failover),
    },
    {
      name: 'region-app',
      summary: "One region's sample app (what the failover environment runs per region).",
      usage: 'genie demo region-app --region R --pg-port P [--port N] [--host H] [--pg-host H] [--pg-database D] [--pg-user U]',
      options: {},
      run: noArguments(regionApp),
    },
  ],
};
