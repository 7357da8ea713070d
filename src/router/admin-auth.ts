/**
 * The admin API's bearer token check. Constant-time over the token's bytes (hashing both
 * sides first makes the comparison the same length whatever the caller sent, so neither
 * the content nor the length of the token leaks through timing). The token is never logged
 * or echoed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export class BearerToken {
  private readonly digest: Buffer;

  constructor(token: string) {
    if (!token) throw new Error('the admin token must not be empty (set GENIE_ROUTER_TOKEN)');
    this.digest = sha256(token);
  }

  /** Whether an Authorization header carries this token. */
  matches(authorization: string | undefined): boolean {
    if (!authorization) return false;
    const match = /^Bearer\s+(.+)$/i.exec(authorization);
    const given = sha256(match ? match[1].trim() : '');
    return timingSafeEqual(given, this.digest) && match !== null;
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
