/** Where the numbers came from: benchmarks on shared machines drift, so say what ran them. */
import * as os from 'node:os';
import { temporalCliVersion } from './server';

export function machine(): Record<string, unknown> {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    totalMemoryMb: Math.round(os.totalmem() / 2 ** 20),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    temporalCli: temporalCliVersion(),
    sdk: require('@temporalio/worker/package.json').version as string,
  };
}
