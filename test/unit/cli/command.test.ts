/** One command shape: subcommands are chosen from the table, and each parses its own options plus its parent's. */
import { strict as assert } from 'node:assert';
import { runCommand, type Command, type Values } from '../../../src/cli/command';
import { UsageError } from '../../../src/cli/output';
import { bufferOutput } from '../../helpers/cli';

function tree(seen: { values?: Values; positionals?: string[] }): Command {
  const leaf = (name: string): Command => ({
    name,
    summary: `${name} it`,
    usage: `genie tool ${name}`,
    options: { force: { type: 'boolean', help: 'do it anyway' } },
    run(values, positionals) {
      Object.assign(seen, { values, positionals });
      return name === 'open' ? 7 : 0;
    },
  });
  return {
    name: 'tool',
    summary: 'a tool',
    usage: 'genie tool <open|close>',
    options: { as: { type: 'string', help: 'who' } },
    subcommands: [leaf('open'), leaf('close')],
  };
}

describe('genie command shape', () => {
  it('runs the subcommand named by the first word, with its own and the inherited options', async () => {
    const seen: { values?: Values; positionals?: string[] } = {};
    assert.equal(await runCommand(tree(seen), ['open', 'x', '--as', 'alice', '--force'], bufferOutput().out), 7);
    assert.deepEqual(seen.positionals, ['x']);
    assert.equal(seen.values?.as, 'alice');
    assert.equal(seen.values?.force, true);
  });

  it('a missing or unknown subcommand is a usage error that lists the table', async () => {
    await assert.rejects(
      runCommand(tree({}), [], bufferOutput().out),
      (err: unknown) => err instanceof UsageError && /genie tool needs a subcommand: open, close/.test(err.message),
    );
    await assert.rejects(
      runCommand(tree({}), ['opne'], bufferOutput().out),
      (err: unknown) => err instanceof UsageError && /genie tool opne: no such subcommand; say open, close/.test(err.message),
    );
  });

  it('--help of a command with subcommands lists them; of a subcommand, its own usage', async () => {
    const top = bufferOutput();
    assert.equal(await runCommand(tree({}), ['--help'], top.out), 0);
    assert.match(top.stdout(), /usage: genie tool <open\|close>/);
    assert.match(top.stdout(), /^ {2}open {3}open it$/m);
    assert.match(top.stdout(), /^ {2}close {2}close it$/m);
    const leaf = bufferOutput();
    assert.equal(await runCommand(tree({}), ['close', '--help'], leaf.out), 0);
    assert.match(leaf.stdout(), /^close it\n\nusage: genie tool close$/m);
  });

  it('an option the subcommand does not know is refused with its usage', async () => {
    await assert.rejects(
      runCommand(tree({}), ['close', '--nope'], bufferOutput().out),
      (err: unknown) => err instanceof UsageError && /usage: genie tool close/.test(err.message) && /genie tool close --help/.test(err.message),
    );
  });
});
