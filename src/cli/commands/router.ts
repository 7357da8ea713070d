/** genie router: the traffic router (src/router/) as a long-running process. */
import { parseDuration } from '../../dsl/duration';
import { parseRouterConfig, RouterConfigError, startRouter } from '../../router';
import type { Command } from '../command';
import { EXIT, type Output, UsageError } from '../output';
import { isStdin, readInput, STDIN_NAME } from '../input';
import { portOption } from '../port-option';
import { untilSignal } from '../until-signal';

export const command: Command = {
  name: 'router',
  summary: 'Run the traffic router: weighted routes, mirroring, fault injection, metrics; driven by its admin API.',
  usage: 'genie router --config FILE [--port P] [--admin-port A] [--host H] [--admin-host H] [--drain-timeout 30s]',
  details: [
    '  --config FILE        pools, routes, mirror, faults (YAML or JSON; - reads stdin, at most 1 MiB); see README "Traffic router"',
    '  --port P             traffic port (default 8080)',
    '  --admin-port A       admin API port (default 9901): /config, /routes, /stats, /metrics, /shadow/pairs',
    '  --host H             listen address (default 127.0.0.1; --admin-host defaults to it)',
    '  --drain-timeout D    on SIGTERM, how long to let requests in flight finish (default 30s)',
    '  The admin API needs Authorization: Bearer $GENIE_ROUTER_TOKEN (required).',
    '  Example: GENIE_ROUTER_TOKEN=s3cret genie router --config router.yaml --port 8080 --admin-port 9901',
  ],
  options: {
    config: { type: 'string', short: 'c', help: 'pools, routes, mirror, faults (YAML or JSON; - for stdin); required' },
    port: { type: 'string', help: 'traffic port (default 8080)' },
    'admin-port': { type: 'string', help: 'admin API port (default 9901)' },
    host: { type: 'string', help: 'listen address (default 127.0.0.1)' },
    'admin-host': { type: 'string', help: 'admin API listen address (default: --host)' },
    'drain-timeout': { type: 'string', help: 'on SIGTERM, how long requests in flight may finish (default 30s)' },
  },
  async run(values, _positionals, out) {
    const file = values.config as string | undefined;
    if (!file) throw new UsageError('--config FILE is required (the router config, YAML or JSON)');
    const token = process.env.GENIE_ROUTER_TOKEN;
    if (!token) throw new UsageError('set GENIE_ROUTER_TOKEN: the bearer token the admin API requires');
    const text = await readInput(file, out);
    const source = isStdin(file) ? STDIN_NAME : file;
    let config;
    try {
      config = parseRouterConfig(text);
    } catch (error) {
      if (!(error instanceof RouterConfigError)) throw error;
      throw new UsageError(`${source}: invalid router config\n${error.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
    }
    let drainTimeoutMs = 30_000;
    if (values['drain-timeout'] !== undefined) {
      try {
        drainTimeoutMs = parseDuration(String(values['drain-timeout']));
      } catch (error) {
        throw new UsageError(`--drain-timeout: ${(error as Error).message}`);
      }
    }
    const host = values.host as string | undefined;
    const running = await startRouter({
      config,
      token,
      drainTimeoutMs,
      port: portOption(values.port, '--port', 8080),
      adminPort: portOption(values['admin-port'], '--admin-port', 9901),
      ...(host ? { host } : {}),
      ...(values['admin-host'] ? { adminHost: values['admin-host'] as string } : {}),
    });
    out.print(`router listening on ${running.url} (admin API ${running.adminUrl}), config version ${running.store.version} from ${source}`);
    const signal = await untilSignal();
    out.print(`router draining (${signal})…`);
    const { drained, inFlightAtTimeout } = await running.close();
    if (!drained) out.warn(`router: drain timeout; ${inFlightAtTimeout} request(s) were cut off`);
    out.print('router stopped');
    return drained ? EXIT.ok : EXIT.failed;
  },
};
