/** The runbook language: types, parsing, validation, loading and the published schema. */
export * from './types';
export { parseDuration, isDuration, formatDuration } from './duration';
export { isExpression, expressionBody, isPartialExpression } from './expression';
export {
  DIAGNOSTIC_CODES,
  formatDiagnostic,
  formatWarning,
  compareDiagnostics,
  RunbookValidationError,
  type Diagnostic,
  type DiagnosticCode,
} from './diagnostics';
export { RUNTIME_CODES, isRuntimeCode, type RuntimeCode, type RuntimeCodeInfo } from './runtime-codes';
export { parseSource, toPointer, fromPointer, MAX_DOCUMENT_BYTES, type ParsedSource, type PathSegment, type Position } from './parse';
export { validateRunbook, validateDefinition, validateParams, type ValidationResult, type ParamsResult } from './validate';
export { MAX_DEPTH, MAX_STEPS } from './step-tree';
export { canonicalJson } from './canonical';
export { buildPublishedSchema, type JsonSchema } from './json-schema';
export {
  loadRunbookFile,
  findRunbook,
  resolveRunbook,
  validateInline,
  validateFile,
  validateFiles,
  listRunbookFiles,
  runbookSha256,
  actionDefaultsFor,
  loadGroups,
  RunbookNotFoundError,
  RunbookAmbiguousError,
  GroupsFileError,
  RUNBOOK_EXTENSIONS,
  type LoadedRunbook,
  type ResolveOptions,
  type FileValidation,
} from './load';
