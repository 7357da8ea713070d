/**
 * The secrets providers a worker consults, from its environment: the environment itself
 * (GENIE_SECRET_<NAME>), then GENIE_SECRETS_FILE (YAML/JSON mapping), then GENIE_SECRETS_DIR
 * (one file per secret). Built on each call: the settings are read where the action runs.
 */
import { DirSecretProvider } from './dir';
import { EnvSecretProvider } from './env';
import { FileSecretProvider } from './file';
import type { SecretProvider } from './provider';

export type { SecretProvider } from './provider';
export { SecretProviderError, isSecretName } from './provider';
export { SecretNotFoundError, lookupSecret, resolveSecretReferences, resolveLiteralSecretReferences, maskForms } from './resolve';
export { literalSecretPaths, parseProvenance, type SecretProvenance, type ArgumentPath } from './provenance';
export { referencedSecrets, malformedReferences, SECRET_SCHEME } from './references';

const fileProviders = new Map<string, FileSecretProvider>();

export function configuredProviders(env: NodeJS.ProcessEnv = process.env): SecretProvider[] {
  const providers: SecretProvider[] = [new EnvSecretProvider(env)];
  const file = env.GENIE_SECRETS_FILE;
  if (file) {
    // One instance per file keeps its parsed cache across actions.
    if (!fileProviders.has(file)) fileProviders.set(file, new FileSecretProvider(file));
    providers.push(fileProviders.get(file)!);
  }
  if (env.GENIE_SECRETS_DIR) providers.push(new DirSecretProvider(env.GENIE_SECRETS_DIR));
  return providers;
}
