/**
 * Request bodies on their way upstream. Normally streamed straight through; a request that
 * is also mirrored needs the same bytes twice, so its body is read into memory first — up
 * to a cap. A bigger body is streamed to the primary as usual (what was read, then the rest)
 * and simply not mirrored.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';

export type BufferedBody = { complete: true; body: Buffer } | { complete: false; stream: AsyncIterable<Buffer> };

/**
 * A body undici can stream without owning `req`: if the upstream fails, undici destroys the
 * body it was given, and destroying `req` would reset the client's connection before it
 * could get its 502.
 */
export function streamedBody(source: IncomingMessage | AsyncIterable<Buffer>): Readable {
  // A for-await over `req` itself would destroy it when undici stops early; this iterator does not.
  const chunks: AsyncIterable<Buffer> = 'iterator' in source && typeof source.iterator === 'function' ? source.iterator({ destroyOnReturn: false }) : source;
  async function* relay() {
    for await (const chunk of chunks) yield chunk;
  }
  // undici accepts any async iterable as a body; its types only name Readable.
  return relay() as unknown as Readable;
}

/** Reads `req` up to `limit` bytes: all of it, or what was read plus the unread rest. */
export async function bufferBody(req: IncomingMessage, limit: number): Promise<BufferedBody> {
  const iterator = req.iterator({ destroyOnReturn: false })[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { complete: true, body: Buffer.concat(chunks, size) };
    chunks.push(next.value);
    size += next.value.length;
    if (size > limit) {
      async function* rest() {
        yield* chunks;
        for (let n = await iterator.next(); !n.done; n = await iterator.next()) yield n.value;
      }
      return { complete: false, stream: rest() };
    }
  }
}
