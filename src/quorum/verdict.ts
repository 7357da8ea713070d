/**
 * An observer's verdict about one region, and the exact bytes its signature covers.
 *
 * The signed message is the domain tag followed by a JSON array of the seven fields in a
 * fixed order. JSON of strings, safe integers, booleans and null has exactly one encoding,
 * so the bytes are canonical without a canonicalization library, and the domain tag stops
 * a signature made for something else (an audit seal, an override) from passing as a verdict.
 */
import { GenieError } from '../errors/genie-error';

export const VERDICT_DOMAIN = 'genie.quorum.verdict.v1\n';

export interface Verdict {
  /** Which observer says this (its key signs it). */
  observerId: string;
  /** The region judged. */
  region: string;
  /** The topology epoch the observer believes in: it grows with every failover, so a verdict about the old topology cannot be replayed into the new one. */
  epoch: number;
  /** The observer's own counter for this region, strictly increasing: a replayed verdict has an old seq. */
  seq: number;
  /** HTTP health and a database round trip both succeeded. */
  healthy: boolean;
  /** Replication lag the region reported, in bytes (null: not a standby, or unknown). */
  lagBytes: number | null;
  /** When the probe ended, milliseconds since the Unix epoch (observer's clock). */
  observedAt: number;
}

export interface SignedVerdict extends Verdict {
  /** Ed25519 signature over canonicalBytes(verdict), base64. */
  signature: string;
}

export class MalformedVerdictError extends GenieError {
  readonly code = 'MALFORMED_VERDICT';
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/** Throws MalformedVerdictError naming the field when a verdict does not have the declared shape. */
export function checkVerdict(v: unknown): asserts v is Verdict {
  const o = v as Record<string, unknown> | null;
  const bad = (field: string, want: string) => new MalformedVerdictError(`verdict.${field} must be ${want}, not ${JSON.stringify(o?.[field])}`);
  if (!o || typeof o !== 'object') throw new MalformedVerdictError('a verdict must be an object');
  if (typeof o.observerId !== 'string' || o.observerId === '') throw bad('observerId', 'a non-empty string');
  if (typeof o.region !== 'string' || o.region === '') throw bad('region', 'a non-empty string');
  if (!isCount(o.epoch)) throw bad('epoch', 'a non-negative integer');
  if (!isCount(o.seq)) throw bad('seq', 'a non-negative integer');
  if (typeof o.healthy !== 'boolean') throw bad('healthy', 'true or false');
  if (o.lagBytes !== null && !isCount(o.lagBytes)) throw bad('lagBytes', 'a non-negative integer or null');
  if (!isCount(o.observedAt)) throw bad('observedAt', 'milliseconds since the Unix epoch');
}

/** The bytes a verdict's signature covers (fields in declaration order, nothing else). */
export function canonicalBytes(v: Verdict): Buffer {
  checkVerdict(v);
  return Buffer.from(VERDICT_DOMAIN + JSON.stringify([v.observerId, v.region, v.epoch, v.seq, v.healthy, v.lagBytes, v.observedAt]), 'utf8');
}

/** Only the seven signed fields: what is compared for equivocation and kept as evidence. */
export function verdictFields(v: Verdict): Verdict {
  return { observerId: v.observerId, region: v.region, epoch: v.epoch, seq: v.seq, healthy: v.healthy, lagBytes: v.lagBytes, observedAt: v.observedAt };
}

/** Same signed content (the signature itself may differ: Ed25519 is deterministic, but a forger's is not). */
export function sameContent(a: Verdict, b: Verdict): boolean {
  return canonicalBytes(a).equals(canonicalBytes(b));
}
