/**
 * The validator checks `with:` arguments as written; an argument written as an expression
 * (`maxOutputBytes: "{% 1e11 %}"`) is only known once evaluated, so it escaped every bound.
 * Each action therefore re-checks its evaluated arguments against the same schema and `check`
 * hook here, before it does anything: an out-of-range value never reaches the implementation.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { ActionDefinition } from './action';
import { compiledValidator, schemaIssues } from '../src/dsl/schema-errors';

export function assertEvaluatedArgs(definition: Pick<ActionDefinition, 'name' | 'args' | 'check'>, args: unknown): void {
  const validate = compiledValidator(definition.args, () => JSON.parse(JSON.stringify(definition.args)) as object);
  const where = `evaluated arguments of ${definition.name}`;
  const issues: { path: (string | number)[]; message: string; hint: string }[] = schemaIssues(validate, args, {
    base: [],
    where,
    noun: 'argument',
    code: 'ACTION_ARGS',
  });
  if (issues.length === 0 && definition.check && args && typeof args === 'object' && !Array.isArray(args)) {
    issues.push(...definition.check(args as Record<string, unknown>).map((i) => ({ ...i, message: `${where}: ${i.message}` })));
  }
  if (issues.length === 0) return;
  const fields = issues.map((i) => i.path.join('.') || '(arguments)');
  throw ApplicationFailure.create({
    type: 'ACTION_ARGS',
    nonRetryable: true,
    message: `${issues.map((i) => `with.${i.path.join('.')}: ${i.message}`).join('; ')} (an expression evaluated to a value the action refuses; ${issues[0].hint})`,
    details: [{ action: definition.name, fields }],
  });
}
