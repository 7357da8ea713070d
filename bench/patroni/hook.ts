/**
 * What bench/failover.ts needs to run Patroni beside Genie: `--trials N` and `--vs patroni`
 * parsing, and running the Patroni half after Genie's in the same process, merging both
 * into one JSON object with the Patroni/Genie ratios (how many times slower Patroni is).
 */
import { runPatroniFailover } from './failover';

export interface BenchArgs {
  trials?: number;
  vs?: 'patroni';
}

export function benchArgs(argv: string[]): BenchArgs {
  const out: BenchArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--trials') {
      const n = Number(value());
      if (!Number.isSafeInteger(n) || n < 1 || n > 1000) throw new Error(`--trials must be an integer from 1 to 1000, got ${argv[i]}`);
      out.trials = n;
    } else if (a === '--vs') {
      const v = value();
      if (v !== 'patroni') throw new Error(`--vs: only 'patroni' is supported, got ${JSON.stringify(v)}`);
      out.vs = v;
    } else {
      throw new Error(`unknown argument ${JSON.stringify(a)}: bench:failover takes --trials N and --vs patroni`);
    }
  }
  return out;
}

type Stat = { p50: number; p99: number } | null | undefined;
const ratio = (patroni: Stat, genie: Stat) =>
  patroni && genie && genie.p50 > 0 && genie.p99 > 0
    ? { p50: Math.round((patroni.p50 / genie.p50) * 10) / 10, p99: Math.round((patroni.p99 / genie.p99) * 10) / 10 }
    : null;

export async function withPatroni(genie: () => Promise<unknown>, argv: string[], log: (l: string) => void): Promise<unknown> {
  const args = benchArgs(argv);
  const g = (await genie()) as Record<string, any>;
  if (args.vs !== 'patroni') return g;
  const trials = args.trials ?? Number(process.env.GENIE_BENCH_FAILOVER_TRIALS ?? 20);
  const p = (await runPatroniFailover({ trials, log })) as Record<string, any>;
  const ratios = Object.fromEntries(
    (['kill', 'hang'] as const).map((f) => [f, { writeRtoMs: ratio(p[f]?.writeRtoMs, g[f]?.writeRtoMs), switchMs: ratio(p[f]?.switchMs, g[f]?.switchMs) }]),
  );
  return { ...g, patroni: p, patroniOverGenie: ratios };
}
