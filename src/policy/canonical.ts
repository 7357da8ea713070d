/**
 * The bytes an override signature covers: everything the override says (action, run, who,
 * why, step, extra arguments) plus when and a nonce, as canonical JSON (sorted keys), behind
 * a domain tag so a signature made for something else can never pass as an override.
 */
import { canonicalJson } from '../dsl/canonical';

const DOMAIN = 'genie-override-v1\n';

export function signedPayload(action: string, workflowId: string, args: Record<string, unknown>, auth: { issuedAt: string; nonce: string; keyId: string }): Buffer {
  const { auth: _ignored, ...fields } = args;
  return Buffer.from(DOMAIN + canonicalJson({ ...fields, action, workflowId, issuedAt: auth.issuedAt, nonce: auth.nonce, keyId: auth.keyId }), 'utf8');
}
