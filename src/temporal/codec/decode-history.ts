/**
 * Histories fetched from the server hold payloads as the codec left them (encrypted). Before
 * a history is projected for people (timeline, audit export), every payload in it is decoded
 * with the same codecs the workers use. Search attributes are never encoded, so never decoded.
 */
import { defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import type { HistoryEvent } from '../history';

const SKIP = new Set(['searchAttributes', 'indexedFields']);

function isPayload(value: unknown): value is Payload {
  return !!value && typeof value === 'object' && 'metadata' in value && ('data' in value || Object.keys(value).length === 1);
}

async function decodeAll(payloads: Payload[], codecs: PayloadCodec[]): Promise<Payload[]> {
  let out = payloads;
  for (const codec of [...codecs].reverse()) out = await codec.decode(out);
  return out;
}

/**
 * Failures carry their message and stack trace in an encoded payload (failure-converter.ts),
 * leaving "Encoded failure" in the clear: put the decoded ones back where readers look.
 */
function restoreFailureText(failure: Record<string, unknown>): Record<string, unknown> {
  const attributes = failure.encodedAttributes;
  if (!isPayload(attributes)) return failure;
  let decoded: unknown;
  try {
    decoded = defaultPayloadConverter.fromPayload(attributes);
  } catch {
    return failure; // not ours to read (another converter's format): leave it as stored
  }
  if (!decoded || typeof decoded !== 'object') return failure;
  const { message, stack_trace: stackTrace } = decoded as { message?: unknown; stack_trace?: unknown };
  const { encodedAttributes: _, ...rest } = failure;
  return { ...rest, ...(typeof message === 'string' ? { message } : {}), ...(typeof stackTrace === 'string' ? { stackTrace } : {}) };
}

/** A copy of `events` with every payload decoded; the originals are left as they are. */
export async function decodeHistory(events: HistoryEvent[], codecs: PayloadCodec[]): Promise<HistoryEvent[]> {
  if (codecs.length === 0) return events;
  const walk = async (node: unknown, key?: string): Promise<unknown> => {
    if (!node || typeof node !== 'object' || (key && SKIP.has(key)) || ArrayBuffer.isView(node)) return node;
    if (Array.isArray(node)) {
      if (node.length > 0 && node.every(isPayload)) return decodeAll(node as Payload[], codecs);
      return Promise.all(node.map((item) => walk(item)));
    }
    if (key === 'summary' || key === 'details' || key === 'encodedAttributes') {
      if (isPayload(node)) return (await decodeAll([node], codecs))[0];
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node))
      out[k] = typeof v === 'object' && v !== null && typeof (v as { toNumber?: unknown }).toNumber === 'function' ? v : await walk(v, k);
    return 'encodedAttributes' in out ? restoreFailureText(out) : out;
  };
  return (await walk(events)) as HistoryEvent[];
}
