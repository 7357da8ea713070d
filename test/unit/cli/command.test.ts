/** One command shape: subcommands are chosen from the table, and each parses its own options plus its parent's. */
import { strict as assert } from 'node:assert';
import { runCommand, type Command, type Values } from '../../../src/cli/command';
import { UsageError } from '../../../src/cli/output';

function tree(seen: { values?: Values; positionals?: string[] }): Command {
  const leaf = (name: string): Command => ({
    name, summary: `${name} it`, usage: `genie tool ${name}`, options: { force: { type: 'boolean' } },
    run(values, positionals) {
      Object.assign(seen, { values, positionals });
      return name === 'open' ? 7 : 0;
    },
  });
  return { name: 'tool', summary: 'a tool', usage: 'genie tool <open|close>', options: { as: { type: 'string' } }, subcommands: [leaf('open'), leaf('close')] };
}

describe('genie command shape', () => {
  it('runs the subcommand named by the first word, with its own and the inherited options', async () => {
    const seen: { values?: Values; positionals?: string[] } = {};
    assert.equal(await runCommand(tree(seen), ['open', 'x', '--as', 'alice', '--force']), 7);
    assert.deepEqual(seen.positionals, ['x']);
    assert.equal(seen.values?.as, 'alice');
    assert.equal(seen.values?.force, true);
  });

  it('a missing or unknown subcommand is a usage error that lists the table', async () => {
    await assert.rejects(runCommand(tree({}), []), (err: unknown) => err instanceof UsageError && /genie tool needs a subcommand: open, close/.test(err.message));
    await assert.rejects(runCommand(tree({}), ['opne']), (err: unknown) => err instanceof UsageError && /genie tool opne: no such subcommand; say open, close/.test(err.message));
  });

  it('an option the subcommand does not know is refused with its usage', async () => {
    await assert.rejects(runCommand(tree({}), ['close', '--nope']), (err: unknown) => err instanceof UsageError && /usage: genie tool close/.test(err.message) && /genie tool close --help/.test(err.message));
  });
});
