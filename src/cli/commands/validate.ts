import { actionCatalog } from '../../../activities/registry';
import { formatDiagnostic } from '../../dsl/diagnostics';
import { validateFiles } from '../../dsl/load';
import type { Command } from '../command';
import { EXIT, type Output, UsageError } from '../output';

export const command: Command = {
  name: 'validate',
  summary: 'Check runbooks without running anything: syntax, schema, actions and their arguments, references, expressions, limits.',
  usage: 'genie validate <file|dir>... [--json]',
  details: ['Every problem is reported as file:line:col: CODE message, with a hint. Exit 0 when all are valid, 1 otherwise.'],
  options: { json: { type: 'boolean' } },
  async run(values, files, out) {
    if (files.length === 0) throw new UsageError('name at least one runbook file or directory, e.g. genie validate runbooks/');
    const results = validateFiles(files, actionCatalog);
    const problems = results.flatMap((r) => r.diagnostics);
    if (values.json) out.printJson(results.map((r) => ({ file: r.file, valid: r.diagnostics.length === 0, diagnostics: r.diagnostics })));
    else {
      for (const d of problems) out.print(formatDiagnostic(d));
      const bad = results.filter((r) => r.diagnostics.length > 0).length;
      out.print(`${results.length} file(s) checked: ${results.length - bad} valid, ${bad} with ${problems.length} problem(s)`);
    }
    return problems.length > 0 ? EXIT.failed : EXIT.ok;
  },
};
