import { strict as assert } from 'node:assert';
import { checkRunbookName, RunbookNameError } from '../../../src/dsl/runbook-name';

describe('runbook names in workflow input', () => {
  it('accepts bare names', () => {
    for (const name of ['hello', 'region-failover', 'chaos.cpu_2', '0day']) assert.equal(checkRunbookName(name), name);
  });

  it('refuses paths, traversal, odd characters, over-long names and non-strings, saying how to run a file', () => {
    for (const bad of ['/dev/zero', '../x', 'runbooks/hello.yaml', 'a\\b', '.hidden', '', 'Hello', 'a b', 'x'.repeat(129), 42, null, { file: '/etc' }]) {
      assert.throws(
        () => checkRunbookName(bad),
        (err: unknown) => err instanceof RunbookNameError && err.code === 'RUNBOOK_NAME_INVALID' && /genie run <file>/.test(err.message),
        String(bad),
      );
    }
  });

  it('quotes at most a short prefix of a hostile value', () => {
    assert.throws(
      () => checkRunbookName('/' + 'a'.repeat(10_000)),
      (err: unknown) => (err as Error).message.length < 600,
    );
  });
});
