/** docs/cli.md is what the command table says: regenerate it (npm run docs) when a command changes. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { allCommands, CLI_DOCS_FILE, renderCliDocs } from '../../../src/cli/cli-docs';
import type { Command } from '../../../src/cli/command';
import { projectRoot } from '../../../src/paths';

function everyCommand(commands: Command[], prefix = 'genie'): { title: string; command: Command }[] {
  return commands.flatMap((c) => [{ title: `${prefix} ${c.name}`, command: c }, ...everyCommand(c.subcommands ?? [], `${prefix} ${c.name}`)]);
}

describe('docs/cli.md', () => {
  it('is up to date with the command table (npm run docs writes it)', () => {
    const committed = fs.existsSync(CLI_DOCS_FILE) ? fs.readFileSync(CLI_DOCS_FILE, 'utf8') : '';
    assert.ok(committed === renderCliDocs(allCommands()), 'docs/cli.md is out of date: run npm run docs and commit it');
  });

  it('is the same on every machine: no path of this checkout or home directory in it', () => {
    const docs = renderCliDocs(allCommands());
    assert.ok(!docs.includes(projectRoot), `docs/cli.md mentions ${projectRoot}`);
    assert.ok(!docs.includes(`${os.homedir()}/`), `docs/cli.md mentions ${os.homedir()}`);
  });

  it('has a section for every command and subcommand, and every option with its help', () => {
    const docs = renderCliDocs(allCommands());
    for (const { title, command } of everyCommand(allCommands())) {
      assert.match(docs, new RegExp(`^#+ ${title}$`, 'm'), `no section for ${title}`);
      assert.ok(docs.includes(`usage: ${command.usage}`), `no usage for ${title}`);
      for (const [name, option] of Object.entries(command.options)) {
        assert.ok(option.help.trim().length > 0, `${title} --${name} has no help`);
        assert.ok(docs.includes(`--${name}`) && docs.includes(option.help.replace(/\|/g, '\\|')), `${title} --${name} or its help is missing`);
      }
    }
  });
});
