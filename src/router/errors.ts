/**
 * The router's typed errors. Each has a stable `code` (what clients and actions switch on)
 * and the HTTP status the admin API answers with, so one handler turns any of them into
 * a response without knowing where it came from.
 */
import { GenieError } from '../errors/genie-error';

export type RouterErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_READ'
  | 'VERSION_CONFLICT'
  | 'NOT_FOUND'
  | 'UNAUTHORIZED'
  | 'BODY_TOO_LARGE'
  | 'BAD_REQUEST'
  | 'METHOD_NOT_ALLOWED'
  | 'SHUTTING_DOWN';

export class RouterError extends GenieError {
  constructor(
    readonly code: RouterErrorCode,
    message: string,
    readonly httpStatus: number,
    /** Extra fields for the JSON error body (never secrets). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  toJSON(): { error: Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }
}

/** One thing wrong with a config, at a dotted path such as `routes.web.weights`. */
export interface ConfigProblem {
  path: string;
  message: string;
}

/** The config was refused; `problems` lists everything wrong, not just the first. Nothing changed. */
export class RouterConfigError extends RouterError {
  constructor(readonly problems: ConfigProblem[]) {
    super('CONFIG_INVALID', `invalid router config: ${problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ')}`, 400, { problems });
  }
}

/** Compare-and-set lost: someone changed the config since the caller read `expected`. */
export class VersionConflictError extends RouterError {
  constructor(
    readonly expected: number,
    readonly current: number,
  ) {
    super('VERSION_CONFLICT', `config version is ${current}, not the expected ${expected}; read it again and retry`, 409, {
      expectedVersion: expected,
      currentVersion: current,
    });
  }
}

export class NotFoundError extends RouterError {
  constructor(what: string) {
    super('NOT_FOUND', what, 404);
  }
}

export class BadRequestError extends RouterError {
  constructor(message: string) {
    super('BAD_REQUEST', message, 400);
  }
}
