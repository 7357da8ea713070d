/**
 * genie keygen --as alice: a signing key for authorized overrides. Writes the private key
 * (~/.genie/alice.key, mode 0600, never overwritten without --force) and the public key next
 * to it (alice.pub), and prints the identity entry to paste into the access policy.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { rawPublicKey } from '../../policy/keys';
import type { Command } from '../command';
import { currentUser } from '../identity';
import { EXIT, type Output, UsageError } from '../output';

export const command: Command = {
  name: 'keygen',
  summary: 'Create a key to sign overrides with (Ed25519, or an HMAC secret with --hmac) and print its access-policy entry.',
  usage: 'genie keygen --as <who> [--out FILE] [--hmac] [--force]',
  details: [
    '  --out FILE  where the private key goes (default ~/.genie/<who>.key; the public key beside it as .pub)',
    "  --hmac      a random HMAC-SHA256 secret instead: store it in the workers' secrets (GENIE_SECRET_<NAME>)",
    '  --force     replace an existing key file',
    'Then sign overrides with it: genie approve <id> --as alice --key ~/.genie/alice.key',
  ],
  options: {
    as: { type: 'string', help: 'whose key (default $GENIE_USER or your login)' },
    out: { type: 'string', help: 'where the private key goes (default ~/.genie/<who>.key)' },
    hmac: { type: 'boolean', help: 'a random HMAC-SHA256 secret instead of an Ed25519 key' },
    force: { type: 'boolean', help: 'replace an existing key file' },
  },
  async run(values, _positionals, out) {
    const who = currentUser(values.as as string | undefined);
    if (!/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/.test(who)) throw new UsageError(`"${who}" cannot be an identity name: use letters, digits, . _ @ -`);
    const file = path.resolve((values.out as string | undefined) ?? path.join(os.homedir(), '.genie', `${who}.key`));
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const write = (target: string, text: string, mode: number): void => {
      try {
        fs.writeFileSync(target, text, { mode, flag: values.force ? 'w' : 'wx' });
        fs.chmodSync(target, mode);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST')
          throw new UsageError(`${target} already exists; keep it, or pass --force to replace it`, EXIT.failed);
        throw error;
      }
    };
    if (values.hmac) {
      const secret = crypto.randomBytes(32).toString('base64');
      write(file, secret + '\n', 0o600);
      const ref = `${who.replace(/[^A-Za-z0-9_]/g, '_')}_hmac`;
      out.print(`HMAC secret written to ${file} (mode 0600)`);
      out.print(`give the workers the same secret (e.g. GENIE_SECRET_${ref.toUpperCase()}=<contents of ${file}>), and add to the access policy:`);
      out.print(`identities:\n  ${who}:\n    hmac: secret://${ref}\n    roles: [<role>]`);
      return EXIT.ok;
    }
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
    write(file, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
    const pub = file.replace(/\.key$/, '') + '.pub';
    write(pub, publicKey.export({ type: 'spki', format: 'pem' }).toString(), 0o644);
    out.print(`private key written to ${file} (mode 0600; keep it to yourself), public key to ${pub}`);
    out.print('add to the access policy (GENIE_POLICY):');
    out.print(`identities:\n  ${who}:\n    publicKey: ${rawPublicKey(publicKey)}\n    roles: [<role>]`);
    return EXIT.ok;
  },
};
