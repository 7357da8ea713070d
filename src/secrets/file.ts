/**
 * Secrets from a file (GENIE_SECRETS_FILE): a YAML or JSON mapping of name → string,
 *
 *   api_token: s3cr3t
 *   payments/api_token: other     # names with segments are plain keys here
 *
 * read again whenever the file changes (so a rotated secret is picked up without a restart).
 * The file must be private to its owner (0600).
 */
import * as fs from 'node:fs';
import { parseDocument } from 'yaml';
import { checkPrivate } from './file-mode';
import { SecretProviderError, type SecretProvider } from './provider';

export class FileSecretProvider implements SecretProvider {
  readonly name: string;
  private cache?: { mtimeMs: number; size: number; values: Map<string, string> };

  constructor(private readonly file: string) {
    this.name = `file ${file}`;
  }

  get(name: string): string | undefined {
    return this.values().get(name);
  }

  private values(): Map<string, string> {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(this.file);
    } catch (error) {
      throw new SecretProviderError(
        `secrets file ${this.file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (GENIE_SECRETS_FILE)`,
      );
    }
    if (this.cache && this.cache.mtimeMs === stat.mtimeMs && this.cache.size === stat.size) return this.cache.values;
    checkPrivate(this.file, stat);
    const values = parseSecretsFile(fs.readFileSync(this.file, 'utf8'), this.file);
    this.cache = { mtimeMs: stat.mtimeMs, size: stat.size, values };
    return values;
  }
}

/** The mapping in a secrets file; errors name the file and line, never a value. */
export function parseSecretsFile(text: string, file: string): Map<string, string> {
  // prettyErrors adds line:col; its message (which quotes the text, values included) is never shown.
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const at = e.linePos?.[0];
    throw new SecretProviderError(`${file}${at ? `:${at.line}:${at.col}` : ''}: not valid YAML/JSON (${e.code})`);
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return new Map();
  if (typeof value !== 'object' || Array.isArray(value)) throw new SecretProviderError(`${file}: must be a mapping of secret name to value`);
  const out = new Map<string, string>();
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    // The value itself is never quoted in the message.
    if (typeof v !== 'string' && typeof v !== 'number') throw new SecretProviderError(`${file}: the value of "${key}" must be a string`);
    out.set(key, String(v));
  }
  return out;
}
