/**
 * The wiring of `genie nab` on one small series in NAB's layout, built by the test (so the
 * newcomer path needs no corpus beside the project): the scoring path as a function, then
 * the CLI command with a plot, run in this process (test/helpers/cli.ts). Scores on the real development split are `npm run
 * bench:nab`'s job.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runNab } from '../../../src/nab/run';
import { frozenRule } from '../../../src/predict/thresholds';
import { genieInProcess } from '../../helpers/cli';
import { buildSmallCorpus, type SmallCorpus } from '../../helpers/nab-corpus';

describe('genie nab on one NAB-shaped file', () => {
  let corpus: SmallCorpus;
  let nabDir: string;
  before(() => {
    corpus = buildSmallCorpus();
    nabDir = corpus.dir;
  });
  after(() => corpus.remove());

  it('streams the file through the detector and scores it under the three profiles with the frozen rules', async () => {
    const result = await runNab({
      dataDir: path.join(nabDir, 'data'),
      windowsFile: path.join(nabDir, 'combined_windows.json'),
      detector: 'seasonal',
      file: corpus.file,
      verbose: true,
    });
    assert.equal(result.files, 1);
    assert.equal(result.rows, corpus.rows);
    assert.equal(result.windows, corpus.windows);
    assert.equal(result.thresholds, 'frozen');
    assert.deepEqual(Object.keys(result.profiles), ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']);
    const standard = result.profiles.standard;
    assert.deepEqual(standard.rule, frozenRule('seasonal', 'standard'));
    assert.ok(typeof standard.score === 'number' && standard.score > -100 && standard.score <= 100, String(standard.score));
    assert.equal(standard.files?.[0].file, corpus.file);
    assert.equal(standard.files?.[0].probation, Math.floor(0.15 * corpus.rows)); // NAB's probationary 15 %
    assert.equal(standard.truePositives + standard.falseNegatives, 2);
  });

  it('a threshold above every score is the null detector: 0', async () => {
    const result = await runNab({
      dataDir: path.join(nabDir, 'data'),
      windowsFile: path.join(nabDir, 'combined_windows.json'),
      detector: 'robust-z',
      file: corpus.file,
      threshold: 1.01,
    });
    for (const profile of Object.values(result.profiles)) assert.equal(profile.score, 0);
  });

  it('runs as a CLI command: JSON on stdout, and an SVG of the series with windows and detections', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-nab-plot-'));
    try {
      const svg = path.join(dir, 'plot.svg');
      const { code, stdout, stderr } = await genieInProcess([
        'nab',
        '--data',
        path.join(nabDir, 'data'),
        '--windows',
        path.join(nabDir, 'combined_windows.json'),
        '--detector',
        'ensemble',
        '--file',
        corpus.file,
        '--plot',
        svg,
      ]);
      assert.equal(code, 0, stderr);
      const result = JSON.parse(stdout);
      assert.equal(result.detector, 'ensemble');
      assert.equal(result.plot, svg);
      const picture = fs.readFileSync(svg, 'utf8');
      assert.match(picture, /^<svg/);
      assert.match(picture, /level_shifts/);
      assert.match(picture, /anomaly score/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses --plot without --file, with exit code 2', async () => {
    const failed = await genieInProcess(['nab', '--plot', 'x.svg']);
    assert.equal(failed.code, 2);
    assert.match(failed.stderr, /--file/);
  });
});
