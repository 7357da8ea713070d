/**
 * Which environment variables source code reads, found by reading the source text (no
 * type information, so it also sees code the compiler would not follow). Three patterns:
 *
 *   process.env.NAME, env.NAME        a member read (NAME in capitals, so `env.get` is not one)
 *   env['NAME'], process.env["NAME"]  an index read with a literal
 *   'GENIE_NAME', "GENIE_…", `GENIE_…  any string literal starting with GENIE_: the name handed to
 *                                     a helper (envPort('GENIE_ROUTER_PORT', …)), kept in a constant
 *                                     (TARGETS_VARIABLE = 'GENIE_CHAOS_TARGETS'), or named in an
 *                                     error message or a backquoted comment
 *
 * A literal that stops at `_` (`GENIE_SECRET_${…}`, 'GENIE_POLICY_KEY_') is the prefix of a
 * family of names built at run time. Reads through a variable name (`env[name]`) are not
 * seen here; their names reach the code as literals, which the third pattern finds.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const PATTERNS = [/\benv\.([A-Z][A-Z0-9_]*)\b/g, /\benv\[\s*['"`]([A-Z][A-Z0-9_]*)['"`]\s*\]/g, /['"`](GENIE_[A-Z0-9_]*)/g];

export interface EnvRead {
  name: string;
  file: string;
  /** True when the name is only a prefix (`GENIE_SECRET_`): the code builds the rest. */
  prefix: boolean;
}

export function envReadsIn(source: string, file: string): EnvRead[] {
  const reads: EnvRead[] = [];
  for (const pattern of PATTERNS) {
    for (const match of source.matchAll(pattern)) reads.push({ name: match[1], file, prefix: match[1].endsWith('_') });
  }
  return reads;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every read in the TypeScript files under the given directories of the project. */
export function envReadsUnder(root: string, dirs: string[]): EnvRead[] {
  return dirs.flatMap((dir) => sourceFiles(path.join(root, dir))).flatMap((file) => envReadsIn(fs.readFileSync(file, 'utf8'), path.relative(root, file)));
}
