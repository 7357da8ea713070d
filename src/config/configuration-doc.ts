/**
 * docs/configuration.md, rendered from the table of variables. Pure: the script that writes
 * the page and the test that checks it is current render the same text.
 */
import { VARIABLES, type Variable, type VariableGroup } from './variables';

export const CONFIGURATION_DOC = 'docs/configuration.md';

const INTRO = `<!-- Generated from src/config/variables.ts by \`npm run docs\`: edit the table there, not this page. -->
# Configuration

Genie is configured by environment variables: its own, prefixed \`GENIE_\`, plus Temporal's
(\`TEMPORAL_ADDRESS\`, \`TEMPORAL_NAMESPACE\`, TLS / API key) and OpenTelemetry's. This page lists
every variable the code reads; \`test/unit/config/variables.test.ts\` fails when the code reads
one that is missing here, or when this page is older than the table it is generated from.
Flags such as \`--as\` or \`--key\` override the CLI's variables.
`;

/** A table cell: pipes would end the cell, newlines the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function row(v: Variable): string {
  return `| \`${v.name}\` | ${cell(v.default)} | ${cell(v.meaning)} | ${cell(v.readBy)} |`;
}

export function renderConfigurationDoc(variables: readonly Variable[] = VARIABLES): string {
  const groups = new Map<VariableGroup, Variable[]>();
  for (const v of variables) groups.set(v.group, [...(groups.get(v.group) ?? []), v]);
  const sections = [...groups].map(([group, vars]) =>
    [`## ${group}`, '', '| variable | default | meaning | read by |', '|---|---|---|---|', ...vars.map(row)].join('\n'),
  );
  return [INTRO, ...sections].join('\n') + '\n';
}
