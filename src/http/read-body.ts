/**
 * The one way Genie reads an HTTP body into memory — a request on its servers, a response on
 * its clients: never more than a bound, so a huge or endless body cannot exhaust the process
 * or hold it. The bytes are decoded once at the end, so a character split across chunks stays whole.
 */

export interface BodyReadOptions {
  /** Bytes kept at most; a longer body is cut there and reported `truncated`. */
  maxBytes: number;
  /**
   * What happens to the rest of a longer body. `stop` (the default) destroys the stream: a
   * client stops downloading; on a server the connection is cut, so nothing can answer.
   * `discard` reads the rest and drops it, so a server can still answer (413, for instance).
   */
  beyond?: 'stop' | 'discard';
}

export interface BodyRead {
  text: string;
  truncated: boolean;
}

/** A request (IncomingMessage) or a response body (undici's BodyReadable). */
export type BodyStream = AsyncIterable<Buffer | string> & { destroy(): void };

export async function readBody(stream: BodyStream, options: BodyReadOptions): Promise<BodyRead> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const raw of stream) {
    if (truncated) continue;
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    if (size + chunk.length > options.maxBytes) {
      chunks.push(chunk.subarray(0, options.maxBytes - size));
      truncated = true;
      if ((options.beyond ?? 'stop') === 'stop') {
        stream.destroy();
        break;
      }
      continue;
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated };
}
