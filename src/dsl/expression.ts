/**
 * Expressions are JSONata written as a whole string, "{% ... %}" (the AWS Step Functions
 * convention). Anything else is a literal. Pure: shared by the validator and the workflow.
 */
const WHOLE_EXPRESSION = /^\s*\{%([\s\S]*)%\}\s*$/;

export function isExpression(value: unknown): value is string {
  return typeof value === 'string' && WHOLE_EXPRESSION.test(value);
}

/** The JSONata source inside "{% ... %}". */
export function expressionBody(value: string): string {
  const match = WHOLE_EXPRESSION.exec(value);
  if (!match) throw new Error(`not an expression: ${value}`);
  return match[1].trim();
}

/** Strings that look like an attempt at an expression but are not whole ("x {% y %}"). */
export function isPartialExpression(value: unknown): boolean {
  return typeof value === 'string' && !WHOLE_EXPRESSION.test(value) && value.includes('{%');
}
