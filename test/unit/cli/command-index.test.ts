/**
 * The command index that lets `genie` load only the command it runs: it lists every command
 * of every command module, the built file matches the modules, and help loads none of them.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildCommandIndex, COMMAND_INDEX_FILE, COMMAND_MODULES, loadCommand } from '../../../src/cli/command-index';
import { projectRoot } from '../../../src/paths';

const MAIN = path.join(projectRoot, 'dist', 'src', 'cli', 'main.js');

describe('genie command index', () => {
  it('indexes every command once, and each entry loads the command it names', () => {
    const index = buildCommandIndex();
    const names = index.map((e) => e.name);
    assert.equal(new Set(names).size, names.length, `a command name is taken twice: ${names.join(', ')}`);
    for (const needed of ['up', 'worker', 'validate', 'run', 'status', 'approve', 'abort', 'breaker', 'router', 'nab', 'demo-service'])
      assert.ok(names.includes(needed), needed);
    for (const entry of index) {
      const command = loadCommand(entry);
      assert.equal(command.name, entry.name);
      assert.equal(command.summary, entry.summary);
    }
    // The sources, not dist/: a file renamed away leaves its old build behind in a working copy.
    const folder = path.join(projectRoot, 'src', 'cli', 'commands');
    const files = fs
      .readdirSync(folder)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, ''));
    assert.deepEqual([...files].sort(), [...COMMAND_MODULES].sort(), 'a command module is missing from COMMAND_MODULES (or listed but gone)');
  });

  it('the index written by the build is the one the modules give', () => {
    assert.deepEqual(JSON.parse(fs.readFileSync(COMMAND_INDEX_FILE, 'utf8')), buildCommandIndex(), 'stale: run npm run build');
  });

  it('genie --help lists every command and loads no command module', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-cli-trace-'));
    try {
      const trace = path.join(dir, 'trace.js');
      fs.writeFileSync(
        trace,
        `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(path.join(dir, 'loaded.json'))}, JSON.stringify(Object.keys(require.cache))));`,
      );
      const out = execFileSync(process.execPath, ['--require', trace, MAIN, '--help'], { encoding: 'utf8' });
      for (const entry of buildCommandIndex()) assert.match(out, new RegExp(`^  ${entry.name} `, 'm'), `help misses ${entry.name}`);
      const loaded = JSON.parse(fs.readFileSync(path.join(dir, 'loaded.json'), 'utf8')) as string[];
      const heavy = loaded.filter((f) => f.includes(`${path.sep}cli${path.sep}commands${path.sep}`) || f.includes('@temporalio'));
      assert.deepEqual(heavy, [], 'help loaded command modules or the Temporal SDK');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
