/**
 * Heap measurement for the benchmark: GC is exposed at run time (the npm script runs plain
 * `node`), so a measurement is "heap after a full GC with the object alive" minus "heap
 * after a full GC before it existed".
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function settledHeap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
}

/** Bytes that `make()`'s result keeps alive. */
export function heapDelta(make: () => unknown): number {
  const before = settledHeap();
  const kept = make();
  const after = settledHeap();
  void kept;
  return Math.max(0, after - before);
}

/** Bytes per object when `count` of them are alive at once (amortizes allocator noise). */
export function heapPerObject(count: number, make: (i: number) => unknown): number {
  const before = settledHeap();
  const kept: unknown[] = [];
  for (let i = 0; i < count; i++) kept.push(make(i));
  const after = settledHeap();
  void kept.length;
  return Math.max(0, Math.round((after - before) / count));
}
