/** Byzantine-tolerant observers: signed verdicts, a 2f+1 quorum, equivocation proofs, hysteresis. */
export * from './verdict';
export * from './keys';
export * from './tracker';
export * from './probe';
export * from './observer';
export * from './adversaries';
export * from './hysteresis';
export * from './wire';
export * from './ports';
export * from './rpo-gate';
export * from './replication-memory';
export * from './intent';
export * from './execute';
export * from './monitor';
