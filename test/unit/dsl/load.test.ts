/** Loading from disk: lookup by name, resolution (sha256, action defaults, groups) and `genie validate` over files. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { actionCatalog } from '../../../activities/registry';
import { RunbookValidationError } from '../../../src/dsl/diagnostics';
import {
  findRunbook,
  GroupsFileError,
  loadRunbookFile,
  resolveRunbook,
  RunbookAmbiguousError,
  RunbookNotFoundError,
  runbookSha256,
  validateFiles,
  validateInline,
} from '../../../src/dsl/load';
import type { Runbook } from '../../../src/dsl/types';

const VALID = `apiVersion: genie.dev/v1
kind: generic
metadata:
  name: NAME
  version: 1.0.0
steps:
  - id: hello
    action: util.echo
    with: { message: hi }
  - id: nap
    sleep: 1s
  - id: boom
    action: util.fail
    onError: continue
    with: { message: boom }
`;
const valid = (name: string) => VALID.replace('NAME', name);

describe('loading runbooks', () => {
  let dir: string;
  const write = (relative: string, text: string) => {
    const file = path.join(dir, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-dsl-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('findRunbook', () => {
    it('finds <name>.yaml, .yml and .json', () => {
      write('a.yaml', valid('a'));
      write('b.yml', valid('b'));
      write(
        'c.json',
        JSON.stringify({ apiVersion: 'genie.dev/v1', kind: 'generic', metadata: { name: 'c', version: '1' }, steps: [{ id: 's', sleep: '1s' }] }),
      );
      for (const name of ['a', 'b', 'c']) assert.equal(findRunbook(name, dir, actionCatalog).definition.metadata.name, name);
      assert.equal(findRunbook('a', dir, actionCatalog).file, path.join(dir, 'a.yaml'));
    });

    it('finds a file by its metadata.name when the file is named otherwise', () => {
      write('nested/restart.yaml', valid('restart-service'));
      assert.equal(findRunbook('restart-service', dir, actionCatalog).file, path.join(dir, 'nested', 'restart.yaml'));
    });

    it('says which directory it looked in and what is available', () => {
      write('restart.yaml', valid('restart-service'));
      write('hello.yaml', valid('hello'));
      assert.throws(
        () => findRunbook('restart-servce', dir, actionCatalog),
        (error: unknown) => {
          assert.ok(error instanceof RunbookNotFoundError);
          assert.equal(error.code, 'RUNBOOK_NOT_FOUND');
          assert.ok(error.message.includes(dir), error.message);
          assert.match(error.message, /did you mean 'restart-service'\?/);
          assert.match(error.message, /available: hello, restart-service/);
          assert.deepEqual(error.available, ['hello', 'restart-service']);
          return true;
        },
      );
    });

    it('explains a missing directory', () => {
      const missing = path.join(dir, 'nope');
      assert.throws(
        () => findRunbook('x', missing, actionCatalog),
        (error: unknown) => error instanceof RunbookNotFoundError && /does not exist/.test(error.message) && error.message.includes(missing),
      );
    });

    it('never treats a name as a path', () => {
      write('inside/secret.yaml', valid('secret'));
      assert.throws(() => findRunbook('../secret', path.join(dir, 'inside', 'x'), actionCatalog), RunbookNotFoundError);
      fs.mkdirSync(path.join(dir, 'empty'));
      assert.throws(() => findRunbook('../inside/secret', path.join(dir, 'empty'), actionCatalog), RunbookNotFoundError);
    });

    it('does not follow a symlink out of the runbook directory', () => {
      write('elsewhere/leak.yaml', valid('leak'));
      fs.mkdirSync(path.join(dir, 'books'));
      fs.symlinkSync(path.join(dir, 'elsewhere', 'leak.yaml'), path.join(dir, 'books', 'leak.yaml'));
      assert.throws(() => findRunbook('leak', path.join(dir, 'books'), actionCatalog), RunbookNotFoundError);
    });

    it('resolves only names from workflow input, never paths', () => {
      const file = write('named/demo.yaml', valid('demo'));
      assert.throws(
        () => resolveRunbook(file, actionCatalog),
        (error: unknown) => (error as { code?: string }).code === 'RUNBOOK_NAME_INVALID',
      );
      assert.throws(
        () => resolveRunbook('/dev/zero', actionCatalog),
        (error: unknown) => (error as { code?: string }).code === 'RUNBOOK_NAME_INVALID',
      );
    });

    it('refuses to guess between two files declaring the same name', () => {
      write('one.yaml', valid('twin'));
      write('two.yaml', valid('twin'));
      assert.throws(() => findRunbook('twin', dir, actionCatalog), RunbookAmbiguousError);
    });

    it('throws every problem of an invalid runbook at once', () => {
      write('bad.yaml', valid('bad').replace('util.echo', 'util.ecko').replace('sleep: 1s', 'sleep: soon'));
      assert.throws(
        () => findRunbook('bad', dir, actionCatalog),
        (error: unknown) => {
          assert.ok(error instanceof RunbookValidationError);
          assert.equal(error.code, 'RUNBOOK_INVALID');
          assert.deepEqual(
            error.diagnostics.map((d) => d.code),
            ['UNKNOWN_ACTION', 'BAD_DURATION'],
          );
          assert.match(error.message, /bad\.yaml:8:13: UNKNOWN_ACTION/);
          assert.match(error.message, /bad\.yaml:11:12: BAD_DURATION/);
          return true;
        },
      );
    });
  });

  describe('resolveRunbook', () => {
    it('pins the definition, its source, and the defaults of the actions it uses', () => {
      const file = write('demo.yaml', valid('demo'));
      const resolved = resolveRunbook(loadRunbookFile(file, actionCatalog), actionCatalog, { groupsFile: '' });
      assert.equal(resolved.source, file);
      assert.equal(resolved.definition.metadata.name, 'demo');
      assert.match(resolved.sha256, /^[0-9a-f]{64}$/);
      assert.deepEqual(Object.keys(resolved.actions).sort(), ['util.echo', 'util.fail']);
      assert.deepEqual(resolved.actions['util.fail'], actionCatalog.get('util.fail')?.defaults);
      assert.deepEqual(resolved.groups, {});
    });

    it('resolves a name in the runbook directory, and validates an inline definition', () => {
      write('demo.yaml', valid('demo'));
      assert.equal(resolveRunbook('demo', actionCatalog, { dir }).definition.metadata.name, 'demo');
      const inline = resolveRunbook(validateInline(loadRunbookFile(path.join(dir, 'demo.yaml'), actionCatalog).definition, actionCatalog), actionCatalog);
      assert.equal(inline.source, 'inline');
      const broken = { ...inline.definition, steps: [{ id: 'x', action: 'nope.nothing' }] } as unknown as Runbook;
      assert.throws(
        () => resolveRunbook(broken, actionCatalog),
        (error: unknown) => error instanceof RunbookValidationError && error.diagnostics[0].code === 'UNKNOWN_ACTION',
      );
    });

    it('sha256 ignores key order, formatting and comments, and changes with any value', () => {
      const base = resolveRunbook(
        validateInline(loadRunbookFile(write('a.yaml', valid('same')), actionCatalog).definition, actionCatalog),
        actionCatalog,
      ).sha256;
      const reordered = `# same runbook, keys shuffled and reformatted
steps:
  - action: util.echo
    with: {message: hi}
    id: hello
  - {sleep: 1s, id: nap}
  - with:
      message: boom
    onError: continue
    id: boom
    action: util.fail
metadata: {version: 1.0.0, name: same}
kind: generic
apiVersion: genie.dev/v1
`;
      const json = JSON.stringify(loadRunbookFile(path.join(dir, 'a.yaml'), actionCatalog).definition);
      assert.equal(loadAndHash(write('b.yaml', reordered)), base);
      assert.equal(loadAndHash(write('c.json', json)), base);
      assert.notEqual(loadAndHash(write('d.yaml', valid('same').replace('sleep: 1s', 'sleep: 2s'))), base);
      assert.equal(runbookSha256({ b: 1, a: [{ d: 1, c: 2 }] }), runbookSha256({ a: [{ c: 2, d: 1 }], b: 1 }));
      assert.notEqual(runbookSha256({ a: [1, 2] }), runbookSha256({ a: [2, 1] }));
    });

    it('reads approver groups from GENIE_GROUPS_FILE', () => {
      const file = write('demo.yaml', valid('demo'));
      const groups = write('groups.yaml', 'sre: [alice, bob]\nmanagers: [carol]\n');
      const saved = process.env.GENIE_GROUPS_FILE;
      process.env.GENIE_GROUPS_FILE = groups;
      try {
        assert.deepEqual(resolveRunbook('demo', actionCatalog, { dir: path.dirname(file) }).groups, { sre: ['alice', 'bob'], managers: ['carol'] });
        write('groups.yaml', 'sre: alice\n');
        assert.throws(
          () => resolveRunbook('demo', actionCatalog, { dir: path.dirname(file) }),
          (error: unknown) => error instanceof GroupsFileError && /group 'sre'/.test(error.message),
        );
      } finally {
        if (saved === undefined) delete process.env.GENIE_GROUPS_FILE;
        else process.env.GENIE_GROUPS_FILE = saved;
      }
    });
  });

  describe('validateFiles', () => {
    it('expands directories recursively, skipping the published schema, and reports per file', () => {
      write('good.yaml', valid('good'));
      write('sub/bad.yml', valid('bad').replace('sleep: 1s', 'sleep: 1 sec'));
      write('runbook.schema.json', '{}');
      write('notes.txt', 'not a runbook');
      const results = validateFiles([dir], actionCatalog);
      assert.deepEqual(
        results.map((r) => [path.relative(dir, r.file), r.diagnostics.map((d) => d.code)]),
        [
          ['good.yaml', []],
          [path.join('sub', 'bad.yml'), ['BAD_DURATION']],
        ],
      );
      assert.ok(results[0].runbook);
    });

    it('reports a path that does not exist as FILE_READ, and keeps going', () => {
      const good = write('good.yaml', valid('good'));
      const missing = path.join(dir, 'missing.yaml');
      const results = validateFiles([missing, good], actionCatalog);
      assert.deepEqual(
        results.map((r) => r.diagnostics.map((d) => d.code)),
        [['FILE_READ'], []],
      );
      assert.match(results[0].diagnostics[0].message, /no such file/);
    });
  });

  function loadAndHash(file: string): string {
    return resolveRunbook(loadRunbookFile(file, actionCatalog), actionCatalog).sha256;
  }
});
