import { actionCatalog } from '../../../activities/registry';
import { formatDiagnostic, formatWarning } from '../../dsl/diagnostics';
import { validateFiles, type FileValidation } from '../../dsl/load';
import { validateRunbook } from '../../dsl/validate';
import type { Command } from '../command';
import { isStdin, readStdin, refuseStdinTwice, STDIN_NAME } from '../input';
import { EXIT, type Output, UsageError } from '../output';

export const command: Command = {
  name: 'validate',
  summary: 'Check runbooks without running anything: syntax, schema, actions and their arguments, references, expressions, limits.',
  usage: 'genie validate <file|dir|->... [--json]',
  details: [
    'Every problem is reported as file:line:col: CODE message, with a hint. Exit 0 when all are valid, 1 otherwise.',
    '- reads one runbook from stdin (at most 1 MiB), reported as stdin:line:col.',
  ],
  options: { json: { type: 'boolean', help: 'one result per file as JSON' } },
  async run(values, files, out) {
    if (files.length === 0) throw new UsageError('name at least one runbook file or directory, e.g. genie validate runbooks/');
    refuseStdinTwice(files);
    const results: FileValidation[] = [];
    for (const given of files) {
      if (isStdin(given)) results.push(validateText(await readStdin(out)));
      else results.push(...validateFiles([given], actionCatalog));
    }
    const problems = results.flatMap((r) => r.diagnostics);
    if (values.json)
      out.printJson(
        results.map((r) => ({ file: r.file, valid: r.diagnostics.length === 0, diagnostics: r.diagnostics, ...(r.warnings ? { warnings: r.warnings } : {}) })),
      );
    else {
      for (const d of problems) out.print(formatDiagnostic(d));
      for (const d of results.flatMap((r) => r.warnings ?? [])) out.print(formatWarning(d));
      const bad = results.filter((r) => r.diagnostics.length > 0).length;
      out.print(`${results.length} file(s) checked: ${results.length - bad} valid, ${bad} with ${problems.length} problem(s)`);
    }
    return problems.length > 0 ? EXIT.failed : EXIT.ok;
  },
};

function validateText(text: string): FileValidation {
  const { runbook, diagnostics, warnings } = validateRunbook(text, STDIN_NAME, actionCatalog);
  return { file: STDIN_NAME, diagnostics, ...(warnings ? { warnings } : {}), ...(runbook ? { runbook } : {}) };
}
