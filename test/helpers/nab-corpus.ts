/**
 * A small corpus in NAB's layout (`data/<folder>/<file>.csv`, `combined_windows.json`), built
 * in a temporary folder so tests of the NAB wiring run on a machine without the shared
 * development split. The series is a daily cycle with two level shifts, each inside a
 * labelled window; everything is derived from the row index, so it is the same every run.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface SmallCorpus {
  dir: string;
  /** Relative name of the one series, as the windows file and `--file` spell it. */
  file: string;
  rows: number;
  windows: number;
  remove(): void;
}

const START = Date.UTC(2014, 0, 1);
const STEP_MS = 5 * 60_000;
const stamp = (row: number) => new Date(START + row * STEP_MS).toISOString().replace('T', ' ').slice(0, 19);

export function buildSmallCorpus(rows = 1200): SmallCorpus {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-nab-corpus-'));
  const file = 'synthetic/level_shifts.csv';
  const shifts = [Math.floor(rows * 0.45), Math.floor(rows * 0.8)];
  const lines = ['timestamp,value'];
  for (let row = 0; row < rows; row++) {
    const daily = 10 * Math.sin((2 * Math.PI * row) / 288);
    const wobble = ((row * 7919) % 13) / 13;
    const shifted = shifts.some((at) => row >= at && row < at + 12) ? 60 : 0;
    lines.push(`${stamp(row)},${(50 + daily + wobble + shifted).toFixed(3)}`);
  }
  fs.mkdirSync(path.join(dir, 'data', 'synthetic'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'data', file), `${lines.join('\n')}\n`);
  const windows = { [file]: shifts.map((at) => [`${stamp(at - 20)}.000000`, `${stamp(at + 20)}.000000`]) };
  fs.writeFileSync(path.join(dir, 'combined_windows.json'), JSON.stringify(windows, null, 2));
  return { dir, file, rows, windows: shifts.length, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
