/** genie nab: score a detector on a NAB-style corpus by NAB's rules, and draw what it did. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultNabDir } from '../../nab/dataset';
import { NabError } from '../../nab/errors';
import { runNab } from '../../nab/run';
import { DETECTOR_NAMES } from '../../predict/detector';
import { PredictError } from '../../predict/errors';
import { isDetectorName } from '../../predict/registry';
import type { Command } from '../command';
import { EXIT, type Output, UsageError } from '../output';

export const command: Command = {
  name: 'nab',
  summary: 'Score an anomaly detector on a NAB-style corpus (Numenta Anomaly Benchmark rules); print JSON.',
  usage:
    'genie nab [--data <dir>] [--windows <combined_windows.json>] [--profiles <profiles.json>] [--detector <name>] [--threshold <t>] [--cooldown <rows>] [--verbose] [--file <folder/file.csv>] [--plot <file.svg>]',
  details: [
    `--data      the folder holding the NAB subfolders (default $GENIE_NAB_DIR/data, else ../shared/datasets/nab/data)`,
    `--windows   NAB's combined_windows.json (default: beside --data)`,
    `--profiles  NAB's config/profiles.json (default: the published standard, reward_low_FP_rate, reward_low_FN_rate)`,
    `--detector  ${DETECTOR_NAMES.join(' | ')} (default ensemble)`,
    `--threshold score at or above which a row is a detection (default: the frozen per-profile value in src/predict/thresholds.json; above 1: never, the null detector)`,
    `--cooldown  rows the score must stay below the threshold before the next detection (default: frozen per profile)`,
    `--verbose   per-file detail under each profile`,
    `--file      score only this series (path as in the windows file); --plot draws it as SVG`,
    '',
    'Each series is a fresh stream, fed one row at a time: no detector sees a row before scoring it.',
    'Example: genie nab --file realKnownCause/nyc_taxi.csv --plot nyc_taxi.svg',
  ],
  options: {
    data: { type: 'string', help: 'the folder holding the NAB subfolders' },
    windows: { type: 'string', help: "NAB's combined_windows.json (default: beside --data)" },
    profiles: { type: 'string', help: "NAB's config/profiles.json" },
    detector: { type: 'string', help: 'the detector to score (default ensemble)' },
    threshold: { type: 'string', help: 'score at or above which a row is a detection' },
    cooldown: { type: 'string', help: 'rows below the threshold before the next detection' },
    verbose: { type: 'boolean', help: 'per-file detail under each profile' },
    file: { type: 'string', help: 'score only this series (folder/file.csv)' },
    plot: { type: 'string', help: 'draw the --file series as SVG to this file' },
  },
  async run(values, _positionals, out) {
    const detector = (values.detector as string | undefined) ?? 'ensemble';
    if (!isDetectorName(detector)) throw new UsageError(`unknown detector "${detector}"; choose one of ${DETECTOR_NAMES.join(', ')}`);
    // Mistakes in the arguments first: they need no corpus to be reported.
    if (values.plot && !values.file) throw new UsageError('--plot draws one series: add --file <folder/file.csv>');
    const root = defaultNabDir();
    const dataDir = path.resolve((values.data as string | undefined) ?? path.join(root, 'data'));
    const windowsFile = path.resolve((values.windows as string | undefined) ?? path.join(path.dirname(dataDir), 'combined_windows.json'));
    const defaultProfiles = path.join(path.dirname(dataDir), 'config', 'profiles.json');
    const profilesFile = (values.profiles as string | undefined) ?? (fs.existsSync(defaultProfiles) ? defaultProfiles : undefined);
    if (!fs.existsSync(dataDir)) throw new UsageError(`no data folder at ${dataDir}: pass --data, or set GENIE_NAB_DIR to the NAB folder`);
    if (!fs.existsSync(windowsFile)) throw new UsageError(`no windows file at ${windowsFile}: pass --windows <combined_windows.json>`);
    try {
      const result = await runNab({
        dataDir,
        windowsFile,
        profilesFile,
        detector,
        threshold: numberOption(values.threshold, 'threshold', 0, Number.MAX_VALUE),
        cooldown: numberOption(values.cooldown, 'cooldown', 0, Number.MAX_SAFE_INTEGER),
        verbose: Boolean(values.verbose),
        file: values.file as string | undefined,
        plot: values.plot as string | undefined,
      });
      out.printJson(result);
      return EXIT.ok;
    } catch (error) {
      if (error instanceof NabError || error instanceof PredictError) throw new UsageError(`${error.code}: ${error.message}`);
      throw error;
    }
  },
};

function numberOption(text: unknown, name: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (String(text).trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a number ${max === Number.MAX_VALUE ? `>= ${min}` : `from ${min} to ${max}`}, not ${String(text)}`);
  }
  return value;
}
