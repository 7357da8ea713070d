/**
 * `npm run docs`: writes docs/runtime-codes.md, the run-time codes for runbook authors,
 * from RUNTIME_CODES. A unit test fails when the checked-in file is out of date with the table.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../paths';
import { RUNTIME_CODES, type RuntimeCodeInfo } from './runtime-codes';

export const RUNTIME_CODES_DOC_PATH = path.join(projectRoot, 'docs', 'runtime-codes.md');

const cell = (text: string) => text.replace(/\|/g, '\\|');

function table(entries: [string, RuntimeCodeInfo][]): string[] {
  return [
    '| Code | Retried by default | Meaning |',
    '|---|---|---|',
    ...entries.map(([code, info]) => `| \`${code}\` | ${info.retryable ? 'yes' : 'no'} | ${cell(info.meaning)} |`),
  ];
}

export function runtimeCodesText(): string {
  const entries = Object.entries(RUNTIME_CODES) as [string, RuntimeCodeInfo][];
  const by = (raisedBy: RuntimeCodeInfo['raisedBy']) => entries.filter(([, info]) => info.raisedBy === raisedBy);
  return [
    '# Run-time error codes',
    '',
    '<!-- Generated from src/dsl/runtime-codes.ts by `npm run docs`; do not edit by hand. -->',
    '',
    "When a step fails, its error carries a code: `$error.code` in an `onError` handler's expressions,",
    "the `error.code` of the step in `genie status` and in the `state` query. An action step's",
    '`retry.nonRetryable` lists codes that end its retries at once:',
    '',
    '```yaml',
    '- id: call',
    '  action: http.request',
    '  with: { url: https://example.internal/health }',
    '  retry: { maxAttempts: 5, nonRetryable: [HTTP_EXPECTATION_FAILED, BAD_ARGUMENT] }',
    '```',
    '',
    'These are the codes Genie itself raises. Codes are only ever added, never renamed. Actions and',
    'commands may raise codes of their own, and a `fail:` step raises the `code` its author gives it.',
    '',
    '## Raised by the interpreter',
    '',
    'The workflow raises these itself (a step kind, a deadline, what Temporal reports). They end the',
    'step at once: no retry policy applies to them.',
    '',
    ...table(by('interpreter')),
    '',
    '## Raised by actions',
    '',
    '"Retried by default" says whether an action\'s retry policy retries a failure with this code',
    'when `retry.nonRetryable` does not name it.',
    '',
    ...table(by('action')),
    '',
  ].join('\n');
}

if (require.main === module) {
  fs.mkdirSync(path.dirname(RUNTIME_CODES_DOC_PATH), { recursive: true });
  fs.writeFileSync(RUNTIME_CODES_DOC_PATH, runtimeCodesText());
  console.log(`wrote ${path.relative(process.cwd(), RUNTIME_CODES_DOC_PATH) || RUNTIME_CODES_DOC_PATH}`);
}
