/** The configuration page lists every variable the code reads, and is generated from the table. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../../../src/paths';
import { VARIABLES } from '../../../src/config/variables';
import { CONFIGURATION_DOC, renderConfigurationDoc } from '../../../src/config/configuration-doc';
import { envReadsIn, envReadsUnder, type EnvRead } from '../../helpers/env-reads';

const SCANNED = ['src', 'activities', 'workflows', 'bench'];

/** A family such as `GENIE_SECRET_<NAME>` covers every name that starts with `GENIE_SECRET_`. */
function covered(read: EnvRead): boolean {
  return VARIABLES.some(({ name }) => {
    const family = name.includes('<') ? name.slice(0, name.indexOf('<')) : undefined;
    if (read.prefix) return name.startsWith(read.name);
    return name === read.name || (family !== undefined && read.name.startsWith(family));
  });
}

describe('configuration: the table of environment variables', () => {
  it('names every variable the code in src/, activities/, workflows/ and bench/ reads', () => {
    const reads = envReadsUnder(projectRoot, SCANNED);
    assert.ok(reads.length > 100, `the scan found only ${reads.length} reads: is it looking at the sources?`);
    const missing = new Map<string, string[]>();
    for (const read of reads.filter((r) => !covered(r))) missing.set(read.name, [...(missing.get(read.name) ?? []), read.file]);
    assert.deepEqual(
      [...missing].map(([name, files]) => `${name} (${[...new Set(files)].join(', ')})`),
      [],
      'read by the code but missing from src/config/variables.ts: add them, then run npm run docs',
    );
  });

  it('names each variable once, with a meaning and a reader', () => {
    const names = VARIABLES.map((v) => v.name);
    assert.deepEqual(
      names.filter((n, i) => names.indexOf(n) !== i),
      [],
    );
    for (const v of VARIABLES) assert.ok(v.meaning && v.readBy, `${v.name} needs a meaning and a reader`);
  });

  it('docs/configuration.md is the page the table renders (run npm run docs after changing the table)', () => {
    const page = fs.readFileSync(path.join(projectRoot, CONFIGURATION_DOC), 'utf8');
    assert.equal(page, renderConfigurationDoc(), `${CONFIGURATION_DOC} is out of date: run npm run docs`);
  });
});

describe('configuration: the scan for environment reads', () => {
  it('sees member reads, literal index reads and GENIE_ literals, and tells prefixes apart', () => {
    const source = [
      'const a = process.env.TEMPORAL_ADDRESS;',
      'const b = env.GENIE_TRACE?.trim();',
      "const c = process.env['GENIE_QUOTED'];",
      "const d = envPort('GENIE_ROUTER_PORT', 18080);",
      'const e = process.env[`GENIE_SECRET_${name}`];',
      'const f = env.get(); const g = process.env[name];',
    ].join('\n');
    const reads = envReadsIn(source, 'x.ts')
      .map((r) => `${r.name}${r.prefix ? '*' : ''}`)
      .sort();
    assert.deepEqual(reads, ['GENIE_QUOTED', 'GENIE_QUOTED', 'GENIE_ROUTER_PORT', 'GENIE_SECRET_*', 'GENIE_TRACE', 'TEMPORAL_ADDRESS']);
  });

  it('counts a variable the table does not name as missing', () => {
    assert.equal(covered({ name: 'GENIE_NOT_A_REAL_VARIABLE', file: 'x.ts', prefix: false }), false);
    assert.equal(covered({ name: 'GENIE_SECRET_PARTNER_TOKEN', file: 'x.ts', prefix: false }), true);
    assert.equal(covered({ name: 'GENIE_BREAKER_', file: 'x.ts', prefix: true }), true);
  });
});
