/**
 * Stand-ins for the failover monitor's surroundings, for tests of the monitor itself: regions
 * are local HTTP servers (a hung one accepts and never answers, as a SIGSTOPped app does; a
 * killed one is closed), and the replication/router ports are in memory, recording what the
 * monitor asked for. The real PostgreSQL regions are in test/e2e and test/soak.
 */
import * as http from 'node:http';
import type { FailoverPorts, RegionRole } from '../../src/quorum';

export class StandInRegion {
  hung = false;
  readonly server = http.createServer((_req, res) => {
    if (this.hung) return; // accepted, never answered
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  url = '';
  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/health`;
    return this;
  }
  stop(): void {
    this.server.closeAllConnections();
    this.server.close();
  }
}

/** In-memory stand-in for the replication adapter and router: roles flip when promoted. */
export function standInPorts(primary: string, regions: string[], hung: () => string[]) {
  let current = primary;
  const calls: string[] = [];
  const ports: FailoverPorts = {
    status: async (region): Promise<RegionRole> =>
      hung().includes(region)
        ? { region, reachable: false, role: 'unknown', writable: false, error: 'timeout' }
        : region === current
          ? {
              region,
              reachable: true,
              role: 'primary',
              writable: true,
              replicas: regions.filter((r) => r !== current).map((name) => ({ name, lagBytes: 0, lagSeconds: 0, syncState: 'sync' })),
            }
          : { region, reachable: true, role: 'standby', writable: false, lagBytes: 0, lagSeconds: 0 },
    fenceRouter: async (from, to) => calls.push(`fenceRouter ${from}→${to}`),
    fenceNode: async (from) => calls.push(`fenceNode ${from}`),
    promote: async (to) => {
      calls.push(`promote ${to}`);
      current = to;
      return {};
    },
    switchRouter: async (to) => calls.push(`switchRouter ${to}`),
  };
  return { ports, calls };
}
