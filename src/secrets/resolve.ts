/**
 * Resolving an action's `secret://` references from the providers, and the masks that keep
 * the resolved values out of everything that outlives the action (result, failure, logs).
 */
import { MIN_SECRET_LENGTH } from '../dsl/mask';
import type { SecretProvider } from './provider';
import { type ArgumentPath, replaceAt, stringAt } from './provenance';
import { referencedSecrets, substituteSecrets } from './references';
import { GenieError } from '../errors/genie-error';

/** A reference no provider knows. Names the reference and the providers asked; never a value. */
export class SecretNotFoundError extends GenieError {
  readonly code = 'SECRET_NOT_FOUND';

  constructor(
    readonly reference: string,
    readonly consulted: string[],
  ) {
    super(
      `${reference} is not known to any secrets provider (consulted: ${consulted.join('; ') || 'none'}); ` +
        'define it there (e.g. GENIE_SECRET_<NAME> in the worker environment, or GENIE_SECRETS_FILE / GENIE_SECRETS_DIR)',
    );
  }
}

export interface ResolvedArgs {
  args: unknown;
  /** Every value substituted, plus the forms a target may echo back (see maskForms). */
  secrets: string[];
}

/** Looks up one name, asking each provider in turn. */
export async function lookupSecret(name: string, providers: readonly SecretProvider[]): Promise<string> {
  for (const provider of providers) {
    const value = await provider.get(name);
    if (value !== undefined) return value;
  }
  throw new SecretNotFoundError(
    `secret://${name}`,
    providers.map((p) => p.name),
  );
}

export async function resolveSecretReferences(args: unknown, providers: readonly SecretProvider[]): Promise<ResolvedArgs> {
  const names = referencedSecrets(args);
  if (names.length === 0) return { args, secrets: [] };
  const values = new Map<string, string>();
  for (const name of names) values.set(name, await lookupSecret(name, providers));
  return { args: substituteSecrets(args, (name) => values.get(name)!), secrets: [...values.values()].flatMap(maskForms) };
}

/**
 * Resolves references only in the strings at `paths` (the runbook's own literals, see
 * provenance.ts); every other string is passed on as written, `secret://` and all.
 */
export async function resolveLiteralSecretReferences(
  args: unknown,
  paths: readonly ArgumentPath[],
  providers: readonly SecretProvider[],
): Promise<ResolvedArgs> {
  let out = args;
  const secrets: string[] = [];
  for (const path of paths) {
    const text = stringAt(out, path);
    if (text === undefined) continue;
    const resolved = await resolveSecretReferences(text, providers);
    out = replaceAt(out, path, resolved.args as string);
    secrets.push(...resolved.secrets);
  }
  return { args: out, secrets: [...new Set(secrets)] };
}

/**
 * The texts to mask for one secret value: itself, and how it shows up once encoded in a JSON
 * string (quotes, backslashes) or a URL. Very short values are not masked: they would
 * blank out innocent text everywhere.
 */
export function maskForms(value: string): string[] {
  const forms = new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]);
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}
