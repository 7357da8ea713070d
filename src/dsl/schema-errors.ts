/**
 * JSON Schema checking with ajv, and the translation of ajv's errors into precise,
 * human messages. Unions are collapsed into one message ("must be one of ...") instead of
 * one error per alternative. Pure: no Node built-ins.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { DiagnosticCode } from './diagnostics';
import { isExpression, isPartialExpression } from './expression';
import { article, dotted, jsonType, shown, type Issue } from './issues';
import { fromPointer, type PathSegment } from './parse';
import { didYouMean, listOf } from './suggest';
import { Duration, Expression } from './types';

const EXPRESSION_PATTERN = Expression.pattern as string;

let ajv: Ajv | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

/** Compiles once per key (a TypeBox schema object) and caches; ajv compilation is the slow part. */
export function compiledValidator(key: object, build: () => object): ValidateFunction {
  let validate = compiled.get(key);
  if (!validate) {
    // strict: false because TypeBox emits annotation keywords ajv would warn about;
    // formats (uri, email...) are run-time concerns, and checking them needs ajv-formats.
    ajv ??= new Ajv({ allErrors: true, verbose: true, strict: false, validateFormats: false });
    validate = ajv.compile(build());
    compiled.set(key, validate);
  }
  return validate;
}

/** Who the data belongs to, for messages. */
export interface SchemaContext {
  /** Where the validated value sits in the document. */
  base: PathSegment[];
  /** "step 'probe'", "the runbook", "the arguments of util.fail in step 'x'". */
  where: string;
  noun: 'field' | 'argument';
  /** Force one code for every issue (ACTION_ARGS). */
  code?: DiagnosticCode;
  stepId?: string;
  /** Accept expressions wherever a value is expected (they are evaluated at run time). */
  expressionsAllowed?: boolean;
}

type Schema = Record<string, unknown>;

/** Runs a compiled validator and returns translated issues (empty when valid). */
export function schemaIssues(validate: ValidateFunction, data: unknown, context: SchemaContext): Issue[] {
  if (validate(data)) return [];
  const errors = collapseUnions(validate.errors ?? []).filter((e) => {
    // A partial expression gets its own, clearer diagnostic (EXPRESSION_PARTIAL).
    if (isPartialExpression(e.data)) return false;
    return !(context.expressionsAllowed && isExpression(e.data));
  });
  return errors.map((e) => translate(e, context));
}

/** Drops the per-alternative errors of every failed anyOf; the anyOf error speaks for them. */
function collapseUnions(errors: ErrorObject[]): ErrorObject[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf');
  return errors.filter((e) => !unions.some((u) => u !== e && e.schemaPath.startsWith(u.schemaPath + '/') && e.instancePath.startsWith(u.instancePath)));
}

function translate(error: ErrorObject, context: SchemaContext): Issue {
  const rel: PathSegment[] = fromPointer(error.instancePath);
  const path = [...context.base, ...rel];
  const parent = (error.parentSchema ?? {}) as Schema;
  const subject = rel.length === 0 ? context.where : `${context.noun} '${dotted(rel)}' of ${context.where}`;
  const place = rel.length === 0 ? context.where : `'${dotted(rel)}' of ${context.where}`;
  const describedAs = typeof parent.description === 'string' ? ` (${parent.description})` : '';
  const issue = (code: DiagnosticCode, message: string, hint: string, extra: Partial<Issue> = {}): Issue => ({
    code: context.code ?? code,
    path,
    message,
    hint,
    stepId: context.stepId,
    ...extra,
  });
  const params = error.params as Record<string, unknown>;

  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const patterns = parent.patternProperties as Schema | undefined;
      if (patterns) {
        const pattern = Object.keys(patterns)[0];
        return issue(
          'SCHEMA_PATTERN',
          `name '${key}' in ${place} does not match ${pattern}`,
          `rename '${key}' to match ${pattern} (letters, digits and underscores, not starting with a digit)`,
          {
            path: [...path, key],
            target: 'key',
          },
        );
      }
      const allowed = Object.keys((parent.properties as Schema | undefined) ?? {});
      return issue(
        'SCHEMA_UNKNOWN_FIELD',
        `unknown ${context.noun} '${key}' in ${place}${didYouMean(key, allowed)}`,
        `remove it or use one of: ${listOf(allowed)}`,
        {
          path: [...path, key],
          target: 'key',
        },
      );
    }
    case 'required': {
      const missing = String(params.missingProperty);
      const property = ((parent.properties as Record<string, Schema> | undefined) ?? {})[missing] ?? {};
      const about = typeof property.description === 'string' ? ` (${property.description})` : '';
      return issue('SCHEMA_REQUIRED', `${place} is missing required ${context.noun} '${missing}'`, `add '${missing}:'${about}`, { target: 'node' });
    }
    case 'type': {
      if (parent.pattern === EXPRESSION_PATTERN) return expressionExpected(subject, issue);
      const expected = String(params.type).split(',').map(article).join(' or ');
      if (parent.description === Duration.description && typeof error.data === 'number') {
        return issue(
          'SCHEMA_TYPE',
          `${subject} must be a duration with a unit, got the number ${error.data}`,
          `write it with a unit, e.g. ${error.data}s or ${error.data}m`,
        );
      }
      const got = error.data === null ? 'an empty value' : `${jsonType(error.data)} ${shown(error.data)}`;
      return issue('SCHEMA_TYPE', `${subject} must be ${expected}, got ${got}`, `write ${expected} here${describedAs}`);
    }
    case 'pattern': {
      if (params.pattern === EXPRESSION_PATTERN) return expressionExpected(subject, issue);
      return issue(
        'SCHEMA_PATTERN',
        `${subject} is ${shown(error.data)}, which does not match ${String(params.pattern)}`,
        `change it to match ${String(params.pattern)}${describedAs}`,
      );
    }
    case 'const':
    case 'enum': {
      const allowed = error.keyword === 'const' ? [params.allowedValue] : (params.allowedValues as unknown[]);
      return enumIssue(allowed, error.data, subject, path, issue);
    }
    case 'anyOf': {
      const alternatives = (error.schema as Schema[]) ?? [];
      if (alternatives.every((a) => 'const' in a))
        return enumIssue(
          alternatives.map((a) => a.const),
          error.data,
          subject,
          path,
          issue,
        );
      const kinds = alternatives.map(describeAlternative);
      return issue('SCHEMA_TYPE', `${subject} must be ${kinds.join(' or ')}, got ${shown(error.data)}`, `write ${kinds.join(' or ')} here`);
    }
    case 'minItems':
    case 'minLength':
    case 'minProperties':
      if (params.limit === 1) return issue('SCHEMA_RANGE', `${subject} must not be empty`, emptyHint(error.keyword));
      return issue('SCHEMA_RANGE', `${subject} ${lower(error.message)}`, `change it so it ${lower(error.message)}`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'maxItems':
    case 'maxLength':
    case 'maxProperties':
    case 'multipleOf':
      return issue('SCHEMA_RANGE', `${subject} is ${shown(error.data)} but ${lower(error.message)}`, `change it so it ${lower(error.message)}${describedAs}`);
    default:
      return issue('SCHEMA_TYPE', `${subject} ${lower(error.message)}`, `fix the value${describedAs}`);
  }
}

function expressionExpected(subject: string, issue: (code: DiagnosticCode, m: string, h: string) => Issue): Issue {
  return issue(
    'EXPRESSION_EXPECTED',
    `${subject} must be an expression written as "{% ... %}"`,
    'write the whole value as one JSONata expression, e.g. "{% $params.replicas > 3 %}"',
  );
}

function enumIssue(
  allowed: unknown[],
  data: unknown,
  subject: string,
  path: PathSegment[],
  issue: (code: DiagnosticCode, m: string, h: string) => Issue,
): Issue {
  const names = allowed.map(String);
  const suggestion = typeof data === 'string' && names.length > 1 ? didYouMean(data, names) : '';
  const last = path[path.length - 1];
  const code: DiagnosticCode =
    path.length === 1 && last === 'apiVersion' ? 'API_VERSION' : path.length === 1 && last === 'kind' ? 'RUNBOOK_KIND' : 'SCHEMA_ENUM';
  const one = names.length === 1;
  return issue(
    code,
    `${subject} is ${shown(data)}, expected ${one ? `'${names[0]}'` : `one of ${listOf(names)}`}${suggestion}`,
    one ? `write '${names[0]}'` : `use one of: ${listOf(names)}`,
  );
}

function describeAlternative(schema: Schema): string {
  if (schema.pattern === EXPRESSION_PATTERN) return 'an expression "{% ... %}"';
  if (typeof schema.pattern === 'string') return `a string matching ${schema.pattern}`;
  if ('const' in schema) return `'${String(schema.const)}'`;
  return article(String(schema.type ?? 'a value'));
}

function emptyHint(keyword: string): string {
  return keyword === 'minItems' ? 'add at least one item' : keyword === 'minLength' ? 'write a non-empty value' : 'add at least one entry';
}

function lower(message: string | undefined): string {
  return (message ?? 'is invalid').replace(/NOT/g, 'not');
}
