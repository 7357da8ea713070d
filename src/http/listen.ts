/**
 * Starts a small HTTP server (demo service, region app) on `port` (0: any free one) and
 * returns the URL clients use: a wildcard listen address is reached through loopback.
 */
import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export async function listenLocal(server: http.Server, port = 0, host = '127.0.0.1'): Promise<{ port: number; url: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return { port: bound, url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}` };
}
