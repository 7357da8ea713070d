/** Reading NAB-style files: CSV rows, windows matched to rows, and clear errors. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCorpus, parseSeriesCsv, requireNabDir, windowRows } from '../../../src/nab/dataset';

describe('NAB dataset reading', () => {
  it('parses timestamp,value CSV; an unparseable value becomes NaN for the stream to skip', () => {
    const { timestamps, values } = parseSeriesCsv('timestamp,value\n2014-01-01 00:00:00,1.5\n2014-01-01 00:05:00,oops\n2014-01-01 00:10:00,-3\n', 'x.csv');
    assert.deepEqual(timestamps, ['2014-01-01 00:00:00', '2014-01-01 00:05:00', '2014-01-01 00:10:00']);
    assert.equal(values[0], 1.5);
    assert.ok(Number.isNaN(values[1]));
    assert.throws(() => parseSeriesCsv('time,v\n', 'bad.csv'), { code: 'NAB_BAD_CSV', message: /bad\.csv:1/ });
  });

  it('matches windows to rows by timestamp (ignoring the .000000 suffix), first occurrence of a duplicate', () => {
    const stamps = ['a 00', 'a 01', 'a 02', 'a 02', 'a 03'];
    assert.deepEqual(windowRows(stamps, [['a 01.000000', 'a 02.000000']], 'f'), [{ start: 1, end: 2 }]);
    assert.throws(() => windowRows(stamps, [['a 01', 'a 09']], 'f'), { code: 'NAB_BAD_WINDOWS', message: /a 09 is not in the file/ });
  });

  it('loads the files a windows file names and says which one is missing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-nab-'));
    try {
      fs.mkdirSync(path.join(dir, 'data', 'folder'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'data', 'folder', 'one.csv'), 'timestamp,value\nt0,1\nt1,2\nt2,3\n');
      fs.writeFileSync(path.join(dir, 'windows.json'), JSON.stringify({ 'folder/one.csv': [['t1.000000', 't2.000000']] }));
      const [one] = loadCorpus(path.join(dir, 'data'), path.join(dir, 'windows.json'));
      assert.equal(one.name, 'folder/one.csv');
      assert.deepEqual(Array.from(one.values), [1, 2, 3]);
      assert.deepEqual(one.windows, [{ start: 1, end: 2 }]);
      fs.writeFileSync(path.join(dir, 'windows.json'), JSON.stringify({ 'folder/two.csv': [] }));
      assert.throws(() => loadCorpus(path.join(dir, 'data'), path.join(dir, 'windows.json')), { code: 'NAB_DATA_MISSING', message: /folder\/two\.csv/ });
      assert.throws(() => loadCorpus(path.join(dir, 'data'), path.join(dir, 'windows.json'), ['nope.csv']), { code: 'NAB_UNKNOWN_FILE' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a missing corpus is an error naming GENIE_NAB_DIR', () => {
    assert.throws(() => requireNabDir('/no/such/nab'), { code: 'NAB_DATA_MISSING', message: /GENIE_NAB_DIR/ });
  });
});
