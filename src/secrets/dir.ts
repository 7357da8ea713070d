/**
 * Secrets from a directory (GENIE_SECRETS_DIR), one file per secret — the layout Kubernetes
 * and Docker mount secrets in: `secret://api_token` reads <dir>/api_token,
 * `secret://payments/token` reads <dir>/payments/token. One trailing newline is dropped
 * (editors and `echo` add it). The directory and each file must be private to their owner.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkPrivate } from './file-mode';
import { isSecretName, SecretProviderError, type SecretProvider } from './provider';

export class DirSecretProvider implements SecretProvider {
  readonly name: string;

  constructor(private readonly dir: string) {
    this.name = `directory ${dir}`;
  }

  get(name: string): string | undefined {
    if (!isSecretName(name)) return undefined;
    try {
      checkPrivate(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new SecretProviderError(`secrets directory ${this.dir} does not exist (GENIE_SECRETS_DIR)`);
      throw error;
    }
    const file = path.join(this.dir, ...name.split('/'));
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      return undefined;
    }
    if (!stat.isFile()) return undefined;
    // Kubernetes mounts secrets as symlinks into a private ..data directory; the target's mode is what counts.
    checkPrivate(file, stat);
    return fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  }
}
