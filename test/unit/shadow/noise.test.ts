/**
 * The shadow report and Diffy-style noise cancellation: a field that differs between two
 * primaries about as often as between primary and candidate is noise; one the candidate
 * changes more often is real. Rates and counts worked out by hand.
 */
import { strict as assert } from 'node:assert';
import { compareShadowPairs, quantile, splitRouterPairs, type ComparedPair } from '../../../src/shadow';
import type { ShadowPair } from '../../../src/router/shadow-ring';

let n = 0;
const answer = (extra: Record<string, unknown> = {}) => ({ requestId: `id-${++n}`, version: '1.0.0', price: 10, ...extra });
const pair = (endpoint: string, candidate: Record<string, unknown> = {}, latency: [number, number] = [10, 12]): ComparedPair => ({
  endpoint,
  primary: { status: 200, body: answer(), latencyMs: latency[0] },
  candidate: { status: 200, body: answer(candidate), latencyMs: latency[1] },
});

describe('shadow report and noise cancellation', () => {
  it('without noise pairs, a random request id is a mismatch on every pair', () => {
    const report = compareShadowPairs([pair('GET /a'), pair('GET /a')]);
    assert.equal(report.pairs, 2);
    assert.equal(report.mismatches, 2);
    assert.equal(report.mismatchRate, 1);
    assert.deepEqual(report.differingFields, ['GET /a $.requestId']);
    assert.deepEqual(report.noiseFields, []);
    const field = report.endpoints[0].fields[0];
    assert.equal(field.noiseRate, null);
    assert.equal(field.examples.length, 2);
  });

  it('with noise pairs, the request id is noise and only the changed field is reported', () => {
    // 10 candidate pairs: requestId differs in all 10; price in 4 of them (rate 0.4).
    // 5 noise pairs: requestId differs in all 5; price never.
    const candidates = Array.from({ length: 10 }, (_, i) => pair('GET /a', i < 4 ? { price: 12 } : {}));
    const noise = Array.from({ length: 5 }, () => pair('GET /a'));
    const report = compareShadowPairs(candidates, noise, { maxExamples: 2 });
    assert.equal(report.noisePairs, 5);
    assert.deepEqual(report.differingFields, ['GET /a $.price']);
    assert.deepEqual(report.noiseFields, ['GET /a $.requestId']);
    assert.equal(report.mismatches, 4);
    assert.equal(report.mismatchRate, 0.4);
    const [price, requestId] = report.endpoints[0].fields;
    assert.deepEqual(
      { ...price, examples: price.examples.length },
      { field: '$.price', mismatches: 4, rate: 0.4, noiseMismatches: 0, noiseRate: 0, noise: false, examples: 2 },
    );
    assert.deepEqual(price.examples[0], { field: '$.price', primary: 10, candidate: 12 });
    assert.equal(requestId.noise, true);
    assert.equal(requestId.rate, 1);
    assert.equal(requestId.noiseRate, 1);
  });

  it('a field the candidate changes much more often than the primaries differ is real; about as often is noise', () => {
    // flag differs in 2 of 10 noise pairs (0.2). Candidate: in 8 of 10 (0.8) > 0.2 × (1 + 1) + 0.1 = 0.5 → real.
    // With noiseThreshold.relative 3: 0.8 ≤ 0.2 × 4 + 0.1 = 0.9 → noise. In 5 of 10 (0.5 ≤ 0.5, the defaults) → noise.
    const flagged = (k: number, of: number) =>
      Array.from({ length: of }, (_, i) => ({
        endpoint: 'GET /f',
        primary: { body: { flag: 0 } },
        candidate: { body: { flag: i < k ? 1 : 0 } },
      }));
    const real = compareShadowPairs(flagged(8, 10), flagged(2, 10));
    assert.deepEqual(real.differingFields, ['GET /f $.flag']);
    assert.deepEqual(compareShadowPairs(flagged(5, 10), flagged(2, 10)).noiseFields, ['GET /f $.flag']);
    assert.deepEqual(compareShadowPairs(flagged(6, 10), flagged(2, 10)).differingFields, ['GET /f $.flag']);
    const tolerant = compareShadowPairs(flagged(8, 10), flagged(2, 10), { noiseThreshold: { relative: 3 } });
    assert.deepEqual(tolerant.differingFields, []);
    assert.deepEqual(tolerant.noiseFields, ['GET /f $.flag']);
    assert.equal(tolerant.mismatches, 0);
    // Noise is judged per endpoint: noise pairs of another endpoint cancel nothing here.
    const elsewhere = compareShadowPairs(
      flagged(3, 10),
      flagged(3, 10).map((p) => ({ ...p, endpoint: 'GET /other' })),
    );
    assert.deepEqual(elsewhere.differingFields, ['GET /f $.flag']);
  });

  it('reports per endpoint with the latency delta (candidate − primary) at p50 and p95', () => {
    const pairs = [...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((ms) => pair('GET /slow', {}, [ms, ms + 5])), pair('GET /b', { price: 11 })];
    const report = compareShadowPairs(pairs, [], { ignore: ['$.requestId'] });
    assert.deepEqual(
      report.endpoints.map((e) => [e.endpoint, e.pairs, e.mismatches]),
      [
        ['GET /b', 1, 1],
        ['GET /slow', 10, 0],
      ],
    );
    // Primary p50 (nearest rank) = 5, candidate 10 → +5; p95 = 10 vs 15 → +5.
    assert.deepEqual(report.endpoints[1].latencyDeltaMs, { p50: 5, p95: 5 });
    assert.equal(report.mismatchRate, Math.round((1 / 11) * 1e4) / 1e4);
    assert.equal(quantile([3, 1, 2, 4], 0.5), 2);
  });

  it('router pairs: split by route and pool into candidate and noise pairs; failed answers compare by status', () => {
    const response = (pool: string, body: unknown, status: number | null = 200, error?: string) => ({
      pool,
      status,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      bodyBytes: 10,
      truncated: false,
      latencyMs: 3,
      ...(error ? { error } : {}),
    });
    const captured = (seq: number, route: string, shadowPool: string, shadowBody: unknown, status: number | null = 200, error?: string): ShadowPair => ({
      seq,
      at: '',
      route,
      request: { method: 'GET', path: `/items/${seq}`, headers: {}, body: '', bodyBytes: 0, truncated: false },
      primary: response('stable', { v: 1 }),
      shadow: response(shadowPool, shadowBody, status, error),
    });
    const split = splitRouterPairs(
      [
        captured(1, 'web', 'canary', { v: 2 }),
        captured(2, 'web', 'stable-2', { v: 1 }),
        captured(3, 'api', 'canary', { v: 2 }),
        captured(4, 'web', 'canary', null, null, 'timeout'),
      ],
      { route: 'web', noisePool: 'stable-2' },
    );
    assert.equal(split.candidates.length, 2);
    assert.equal(split.noise.length, 1);
    assert.equal(split.skipped, 1);
    assert.equal(split.candidates[0].endpoint, 'GET /items/:id');
    const report = compareShadowPairs(split.candidates, split.noise);
    // The timed-out answer differs in status (error:timeout) and in the whole body ($: none came).
    assert.deepEqual(report.differingFields, ['GET /items/:id $', 'GET /items/:id $.v', 'GET /items/:id status']);
    assert.deepEqual(report.endpoints[0].fields.find((f) => f.field === 'status')!.examples[0], {
      id: 4,
      field: 'status',
      primary: 200,
      candidate: 'error:timeout',
    });
    assert.equal(report.mismatches, 2);
  });
});
