/**
 * Shadow pairs as the router captures them (src/router/shadow-ring.ts, read through
 * traffic.shadowPairs) → pairs to compare. Pairs whose shadow is the noise pool (a second
 * instance of the primary version) become noise pairs; the others, candidate pairs.
 */
import type { ShadowPair } from '../router/shadow-ring';
import { parsedBody, type Observation } from './diff';
import { endpointOf } from './endpoint';
import type { ComparedPair } from './report';

export interface SplitOptions {
  /** Only pairs of this route. */
  route?: string;
  /** Only pairs whose shadow is this pool count as candidate pairs (default: every pool but the noise pool). */
  candidatePool?: string;
  /** Pairs whose shadow is this pool are noise pairs. */
  noisePool?: string;
}

export interface SplitPairs {
  candidates: ComparedPair[];
  noise: ComparedPair[];
  /** Pairs left out (another route or pool). */
  skipped: number;
}

export function splitRouterPairs(pairs: readonly ShadowPair[], options: SplitOptions = {}): SplitPairs {
  const out: SplitPairs = { candidates: [], noise: [], skipped: 0 };
  for (const pair of pairs) {
    if (options.route !== undefined && pair.route !== options.route) {
      out.skipped++;
      continue;
    }
    const compared: ComparedPair = {
      id: pair.seq,
      endpoint: endpointOf(pair.request.method, pair.request.path),
      primary: observation(pair.primary),
      candidate: observation(pair.shadow),
    };
    if (options.noisePool !== undefined && pair.shadow.pool === options.noisePool) out.noise.push(compared);
    else if (options.candidatePool === undefined || pair.shadow.pool === options.candidatePool) out.candidates.push(compared);
    else out.skipped++;
  }
  return out;
}

function observation(r: ShadowPair['primary']): Observation {
  // No response (timeout, reset): the status says so, the error is the body.
  return {
    status: r.status ?? (r.error ? `error:${r.error}` : null),
    headers: r.headers,
    body: r.status === null && r.error ? null : parsedBody(r.body),
    latencyMs: r.latencyMs,
  };
}
