/** Checking an override signature against the identity the policy holds for its signer. */
import * as crypto from 'node:crypto';
import { signedPayload, startPayload } from './canonical';
import type { Identity, OverrideAuth } from './types';

/**
 * True when `auth.signature` is the signer's over this override. The algorithm comes from
 * the policy's identity, never from the request, so a request cannot pick a weaker check.
 */
export async function verifySignature(
  identity: Identity,
  action: string,
  workflowId: string,
  args: Record<string, unknown>,
  auth: OverrideAuth,
  secret: (ref: string) => Promise<string>,
): Promise<boolean> {
  return verifyPayload(identity, signedPayload(action, workflowId, args, auth), auth, secret);
}

/** True when `auth.signature` is the signer's over this start request (startPayload). */
export async function verifyStartSignature(
  identity: Identity,
  fields: Parameters<typeof startPayload>[0],
  auth: OverrideAuth,
  secret: (ref: string) => Promise<string>,
): Promise<boolean> {
  return verifyPayload(identity, startPayload(fields, auth), auth, secret);
}

async function verifyPayload(identity: Identity, payload: Buffer, auth: OverrideAuth, secret: (ref: string) => Promise<string>): Promise<boolean> {
  const signature = Buffer.from(auth.signature, 'base64');
  if (identity.publicKeyPem) {
    try {
      return crypto.verify(null, payload, crypto.createPublicKey(identity.publicKeyPem), signature);
    } catch {
      return false;
    }
  }
  const expected = crypto
    .createHmac('sha256', Buffer.from(await secret(identity.hmac!), 'utf8'))
    .update(payload)
    .digest();
  return expected.length === signature.length && crypto.timingSafeEqual(expected, signature);
}
