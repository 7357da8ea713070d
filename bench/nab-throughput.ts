/**
 * Speed and size of each detector on one stream: points per second on one core (a stream
 * is single-threaded; streams are independent, so N cores serve about N times as many),
 * heap held per warmed-up stream, and the size of its JSON snapshot.
 */
import { performance } from 'node:perf_hooks';
import { DETECTOR_NAMES, type DetectorName } from '../src/predict/detector';
import { Mulberry32 } from '../src/predict/prng';
import { createDetector } from '../src/predict/registry';
import { heapPerObject } from './nab-memory';
import { normalPair } from './nab-synthetic';

/** A daily season of 288 five-minute values with noise, a drift, and an occasional spike. */
export function syntheticStream(length: number, seed = 3): Float64Array {
  const prng = new Mulberry32(seed);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const spike = prng.next() < 0.001 ? 25 : 0;
    out[i] = 50 + 20 * Math.sin((2 * Math.PI * i) / 288) + 0.0005 * i + 2 * normalPair(prng)[0] + spike;
  }
  return out;
}

export interface DetectorCost {
  pointsPerSecondPerCore: number;
  heapBytesPerStream: number;
  snapshotJsonBytes: number;
}

const POINTS: Record<DetectorName, number> = { 'robust-z': 300_000, ewma: 1_000_000, seasonal: 1_000_000, iforest: 100_000, ensemble: 100_000 };
/** Long enough for every buffer to fill and the forest to be fitted. */
const WARM = 3_000;

export function detectorCosts(): Record<DetectorName, DetectorCost> {
  const out = {} as Record<DetectorName, DetectorCost>;
  for (const name of DETECTOR_NAMES) {
    const values = syntheticStream(POINTS[name]);
    // One untimed pass warms the JIT.
    const warmup = createDetector(name);
    for (let i = 0; i < Math.min(values.length, 20_000); i++) warmup.update(values[i]);
    const detector = createDetector(name);
    const t0 = performance.now();
    for (let i = 0; i < values.length; i++) detector.update(values[i]);
    const seconds = (performance.now() - t0) / 1000;
    const warm = values.subarray(0, WARM);
    const streams = name === 'iforest' || name === 'ensemble' ? 20 : 100;
    out[name] = {
      pointsPerSecondPerCore: Math.round(values.length / seconds),
      heapBytesPerStream: heapPerObject(streams, () => {
        const d = createDetector(name);
        for (const v of warm) d.update(v);
        return d;
      }),
      snapshotJsonBytes: JSON.stringify(detector.toJSON()).length,
    };
  }
  return out;
}
