/**
 * Reading a NAB-style corpus: `data/<folder>/<file>.csv` series (`timestamp,value`) and a
 * windows file mapping each series (relative path) to its anomaly windows as timestamp
 * pairs. Windows are matched to rows by timestamp text, first occurrence, as NAB does: the
 * dataset has duplicated and out-of-order timestamps, so rows are the only reliable index.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../paths';
import { NabError } from './errors';
import type { LabelWindow } from './scorer';

export interface NabSeries {
  /** Path relative to the data folder, with `/` separators: `realKnownCause/nyc_taxi.csv`. */
  name: string;
  timestamps: string[];
  /** NaN where a value does not parse; detectors decide what to do with it. */
  values: Float64Array;
  windows: LabelWindow[];
}

export type WindowsFile = Record<string, [string, string][]>;

/** The development split: `$GENIE_NAB_DIR`, else `<projectRoot>/../shared/datasets/nab`. */
export function defaultNabDir(): string {
  return path.resolve(process.env.GENIE_NAB_DIR ?? path.join(projectRoot, '..', 'shared', 'datasets', 'nab'));
}

/** Fails with a message naming GENIE_NAB_DIR when the corpus is not where expected. */
export function requireNabDir(dir = defaultNabDir()): string {
  if (!fs.existsSync(path.join(dir, 'combined_windows.json')) || !fs.existsSync(path.join(dir, 'data'))) {
    throw new NabError(
      'NAB_DATA_MISSING',
      `no NAB corpus at ${dir} (expected data/ and combined_windows.json there); set GENIE_NAB_DIR to the folder that holds them`,
    );
  }
  return dir;
}

export function readWindowsFile(file: string): WindowsFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new NabError('NAB_BAD_WINDOWS', `${file}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new NabError('NAB_BAD_WINDOWS', `${file}: expected {"folder/file.csv": [["start", "end"], ...]}`);
  for (const [name, windows] of Object.entries(parsed)) {
    const ok = Array.isArray(windows) && windows.every((w) => Array.isArray(w) && w.length === 2 && w.every((t) => typeof t === 'string'));
    if (!ok) throw new NabError('NAB_BAD_WINDOWS', `${file}: ${name} must map to a list of ["start", "end"] timestamp pairs`);
  }
  return parsed as WindowsFile;
}

/** Parses `timestamp,value` CSV text (with a header line). */
export function parseSeriesCsv(text: string, source: string): { timestamps: string[]; values: Float64Array } {
  const lines = text.split(/\r?\n/);
  if (!/^\s*timestamp\s*,\s*value\s*$/i.test(lines[0] ?? '')) throw new NabError('NAB_BAD_CSV', `${source}:1: expected the header "timestamp,value"`);
  const timestamps: string[] = [];
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const comma = line.indexOf(',');
    if (comma < 0) throw new NabError('NAB_BAD_CSV', `${source}:${i + 1}: expected "timestamp,value", got ${JSON.stringify(line.slice(0, 80))}`);
    timestamps.push(line.slice(0, comma).trim());
    const text = line.slice(comma + 1).trim();
    values.push(text === '' ? NaN : Number(text));
  }
  return { timestamps, values: Float64Array.from(values) };
}

/** Window timestamps carry a `.000000` suffix the CSVs do not. */
function canonicalTime(timestamp: string): string {
  return timestamp.trim().replace(/\.\d+$/, '');
}

export function windowRows(timestamps: readonly string[], windows: readonly [string, string][], source: string): LabelWindow[] {
  const firstRow = new Map<string, number>();
  timestamps.forEach((t, i) => {
    const key = canonicalTime(t);
    if (!firstRow.has(key)) firstRow.set(key, i);
  });
  return windows.map(([start, end]) => {
    const from = firstRow.get(canonicalTime(start));
    const to = firstRow.get(canonicalTime(end));
    if (from === undefined || to === undefined) {
      throw new NabError(
        'NAB_BAD_WINDOWS',
        `${source}: window ${start} .. ${end} does not match a row (${from === undefined ? start : end} is not in the file)`,
      );
    }
    return { start: from, end: to };
  });
}

/** Every series named in the windows file (or only those in `only`), read from `dataDir`. */
export function loadCorpus(dataDir: string, windowsFile: string, only?: readonly string[]): NabSeries[] {
  const windows = readWindowsFile(windowsFile);
  const names = Object.keys(windows).sort();
  for (const name of only ?? []) {
    if (!names.includes(name)) throw new NabError('NAB_UNKNOWN_FILE', `${name} is not in ${windowsFile}; known files look like ${names[0] ?? '(none)'}`);
  }
  return names
    .filter((n) => !only || only.includes(n))
    .map((name) => {
      const file = path.join(dataDir, ...name.split('/'));
      if (!fs.existsSync(file))
        throw new NabError(
          'NAB_DATA_MISSING',
          `${name} is listed in ${windowsFile} but ${file} does not exist; is --data the folder holding the NAB subfolders?`,
        );
      const { timestamps, values } = parseSeriesCsv(fs.readFileSync(file, 'utf8'), file);
      return { name, timestamps, values, windows: windowRows(timestamps, windows[name], name) };
    });
}
