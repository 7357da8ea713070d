/** genie --version and -V print the version of the package genie runs from. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../../../src/paths';
import { genieInProcess } from '../../helpers/cli';

describe('genie --version', () => {
  const { version } = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string };

  for (const flag of ['--version', '-V']) {
    it(`${flag} prints "genie <package version>" and exits 0`, async () => {
      const { code, stdout, stderr } = await genieInProcess([flag]);
      assert.equal(code, 0, stderr);
      assert.equal(stdout, `genie ${version}\n`);
      assert.match(version, /^\d+\.\d+\.\d+/);
    });
  }

  it('help mentions it', async () => {
    assert.match((await genieInProcess(['--help'])).stdout, /genie --version/);
  });
});
