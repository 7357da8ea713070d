/**
 * The bytes an override signature covers: everything the override says (action, workflow id
 * and run id, who, why, step, extra arguments) plus when and a nonce, as canonical JSON (sorted keys), behind
 * a domain tag so a signature made for something else can never pass as an override.
 */
import { canonicalJson } from '../dsl/canonical';

const DOMAIN = 'genie-override-v1\n';

export function signedPayload(
  action: string,
  workflowId: string,
  args: Record<string, unknown>,
  auth: { issuedAt: string; nonce: string; keyId: string; runId?: string },
): Buffer {
  const { auth: _ignored, ...fields } = args;
  return Buffer.from(
    DOMAIN + canonicalJson({ ...fields, action, workflowId, runId: auth.runId ?? null, issuedAt: auth.issuedAt, nonce: auth.nonce, keyId: auth.keyId }),
    'utf8',
  );
}

/** A distinct domain tag: a start signature can never pass as an override signature, nor the reverse. */
const START_DOMAIN = 'genie-start-v1\n';

/** The bytes a start signature covers: which runbook (name, or the inline definition's sha256), params, run id, who, when, nonce. */
export function startPayload(
  fields: { workflowId: string; runbook: string; params: Record<string, unknown>; requestedBy: string },
  auth: { issuedAt: string; nonce: string; keyId: string },
): Buffer {
  return Buffer.from(START_DOMAIN + canonicalJson({ ...fields, issuedAt: auth.issuedAt, nonce: auth.nonce, keyId: auth.keyId }), 'utf8');
}
