/**
 * Where `secret://<name>` references get their values. A provider answers one question —
 * "what is the value of this name?" — and says who it is (for error messages, never with a
 * value). Environment and file providers ship with Genie; a Vault-like store is one more
 * implementation of this interface (see docs/security.md "Secrets"):
 *
 *   class VaultProvider implements SecretProvider {
 *     readonly name = 'vault https://vault.internal (kv/genie)';
 *     async get(name: string) { ... GET /v1/kv/data/genie/<name> with the worker's token ... }
 *   }
 *
 * Providers are consulted in order; the first that knows the name wins. `get` may be async
 * (a network store) and must return undefined — not throw — for an unknown name; it throws
 * only when the store itself is unusable (unreachable, permission denied).
 */
import { GenieError } from '../errors/genie-error';

export interface SecretProvider {
  /** Who this is, as an operator would look for it: "environment (GENIE_SECRET_*)", "file /etc/genie/secrets.yaml". */
  readonly name: string;
  get(name: string): string | undefined | Promise<string | undefined>;
}

/**
 * A secret name: letters, digits, `_`, `.`, `-`, optionally in `/`-separated segments
 * (`payments/api_token`) for stores with paths. Every segment starts with a letter, digit
 * or `_`, so a name can never climb out of a secrets directory (`..`).
 */
export const SECRET_NAME_PATTERN = '[A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*)*';
const NAME = new RegExp(`^${SECRET_NAME_PATTERN}$`);

export function isSecretName(name: string): boolean {
  return NAME.test(name) && name.length <= 256;
}

/** A store that cannot be read (bad file mode, unparsable file, unreachable server). Never carries a value. */
export class SecretProviderError extends GenieError {
  readonly code = 'SECRET_PROVIDER';
}
