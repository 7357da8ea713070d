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
  /** Runbook metadata.labels that must all match (`*` wildcards in values); start rules only. */
  labels?: Record<string, string>;
}

export interface Policy {
  file: string;
  identities: Map<string, Identity>;
  roles: Map<string, Rule[]>;
  /** Per action: may an unsigned request (the Temporal UI's signal form, a CLI without --key) do it? */
  unsigned: Map<string, boolean>;
  /** How old a signed request may be, in ms. */
  maxAgeMs: number;
  start: StartRules;
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
  /**
   * The first run id of the run it is meant for (what `describe` calls firstRunId; continue-as-new
   * keeps it). A workflow id is reused by later runs: without this, a request signed for one run
   * would pass in the next run of the same id, whose nonce memory starts empty.
   */
  runId?: string;
  /** base64 Ed25519 signature or HMAC-SHA256 of the canonical payload. */
  signature: string;
  alg?: 'ed25519' | 'hmac-sha256';
}

/** What the run (or the breakers workflow) asks about one override. */
export interface AuthorizeRequest {
  action: string;
  workflowId: string;
  /** The run's first run id (workflowInfo().firstExecutionRunId): the signature must name it. */
  runId: string;
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

/** Which runbooks may be started without a signature: any rule matching kind and name (and labels). */
export interface StartTarget {
  kind: string;
  name: string;
  labels: Record<string, string>;
}

/** Who may start what (`start:` in the policy); roles grant it with rules whose actions include `start`. */
export interface StartRules {
  /** May a run be started from an inline definition (`genie run <file>`)? Default false. */
  inline: boolean;
  /** Runbooks anyone may start unsigned (the Temporal UI); undefined = every kind but UNSIGNED_START_REFUSED_KINDS. */
  unsigned?: Rule[];
  /**
   * What separation of duties makes of an unsigned start's requester, whose name nobody
   * vouched for. `counts` (default): that name still may not approve the run. `ignored`: an
   * unsigned run is nobody's own, so the named person may approve it (the approver's own
   * signature is still required under the policy).
   */
  unverifiedRequester: 'counts' | 'ignored';
}

/** Kinds that, unless the policy lists them under start.unsigned, must be started with a signature. */
export const UNSIGNED_START_REFUSED_KINDS: readonly string[] = ['failover', 'chaos'];

/** The signature a start request carries (RunbookInput.auth): same shape as an override's. */
export type StartAuth = OverrideAuth;

/** What the load activity asks about a start. */
export interface StartRequest {
  workflowId: string;
  /** The name given, or `inline` for a definition sent as data. */
  runbook: string;
  inline: boolean;
  target: StartTarget;
  params: Record<string, unknown>;
  requestedBy: string;
  auth?: StartAuth;
}

export interface StartDecision {
  allowed: boolean;
  /** Who the run records as requester: the verified signer, or the given name marked unverified. */
  requestedBy: string;
  verified: boolean;
  refusal?: string;
}
