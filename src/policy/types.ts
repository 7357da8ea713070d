/**
 * The access policy for operator overrides, and the request/answer of the check the
 * workflows run (through a local activity) before applying one. Pure: workflows import the
 * request and answer types.
 */

/** Who may sign: an Ed25519 public key, or an HMAC-SHA256 secret held by the secrets providers. */
export interface Identity {
  name: string;
  /** SPKI PEM (normalized from PEM or raw base64 in the file). */
  publicKeyPem?: string;
  /** `secret://<name>`: the HMAC secret, looked up where the check runs (the worker). */
  hmac?: string;
  roles: string[];
}

/** One permission: these actions on runbooks (or breakers) of these kinds and names. */
export interface Rule {
  /** Override names (`approve`, `promote`, `breaker.force`...), or `*` for every one. */
  actions: string[];
  /** Runbook kinds (`canary`, `failover`...; `breaker` for circuit breakers); absent = any. */
  kinds?: string[];
  /** Runbook (or breaker) names, `*` wildcards allowed; absent = any. */
  names?: string[];
}

export interface Policy {
  file: string;
  identities: Map<string, Identity>;
  roles: Map<string, Rule[]>;
  /** Per action: may an unsigned request (the Temporal UI's signal form, a CLI without --key) do it? */
  unsigned: Map<string, boolean>;
  /** How old a signed request may be, in ms. */
  maxAgeMs: number;
}

/**
 * What unsigned requests may do when the policy does not say: only what cannot hurt — hold
 * a run, let it go on, or ask for one more health check. Everything else (approve, abort,
 * promote, skip, breaker.force...) must be signed unless the policy allows it explicitly.
 */
export const UNSIGNED_BY_DEFAULT: readonly string[] = ['pause', 'resume', 'forceCheck'];

export const DEFAULT_MAX_AGE_MS = 5 * 60_000;
/** A signature from a clock this far ahead of the worker's is still accepted. */
export const CLOCK_SKEW_MS = 60_000;

/** The signature an override carries in its args (`args.auth`). */
export interface OverrideAuth {
  /** The signing identity; must equal the override's `by`. */
  keyId: string;
  /** ISO time of signing. */
  issuedAt: string;
  /** Random, once per request: a request replayed within its lifetime is refused. */
  nonce: string;
  /** base64 Ed25519 signature or HMAC-SHA256 of the canonical payload. */
  signature: string;
  alg?: 'ed25519' | 'hmac-sha256';
}

/** What the run (or the breakers workflow) asks about one override. */
export interface AuthorizeRequest {
  action: string;
  workflowId: string;
  /** What the override acts on: the runbook's kind and name, or `breaker` and the breaker's name. */
  target: { kind: string; name: string };
  /** The override's arguments as received, `auth` included. */
  args: Record<string, unknown>;
  via: 'update' | 'signal';
}

export interface AuthorizeResult {
  allowed: boolean;
  /** False when no policy is configured (GENIE_POLICY unset): everything is accepted unsigned. */
  policy: boolean;
  signed: boolean;
  /** The nonce of an accepted signed request, for the run to remember. */
  nonce?: string;
  /** Why not, in words an operator can act on. */
  refusal?: string;
}
