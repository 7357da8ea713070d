/**
 * Secrets from the worker's environment: `secret://api_token` reads GENIE_SECRET_API_TOKEN.
 * The variable name is the secret name upper-cased, with every character other than a
 * letter or digit turned into `_` (`payments/api-token` → GENIE_SECRET_PAYMENTS_API_TOKEN).
 */
import type { SecretProvider } from './provider';

export const ENV_PREFIX = 'GENIE_SECRET_';

export function envVariableFor(name: string): string {
  return ENV_PREFIX + name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

export class EnvSecretProvider implements SecretProvider {
  readonly name = `environment (${ENV_PREFIX}<NAME>)`;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  get(name: string): string | undefined {
    const value = this.env[envVariableFor(name)];
    return value === undefined || value === '' ? undefined : value;
  }
}
