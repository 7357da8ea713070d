/** One error type with a stable code, so actions can map each to retryable or not. */
import { GenieError } from '../errors/genie-error';

export type ProcessErrorCode =
  | 'PROCESS_BAD_NAME'
  | 'PROCESS_BAD_SPEC'
  | 'PROCESS_UNKNOWN'
  | 'PROCESS_CONFLICT'
  | 'PROCESS_SPAWN'
  | 'PROCESS_EXITED'
  | 'PROCESS_NOT_READY'
  | 'PROCESS_SECRET_MISSING'
  | 'PROCESS_LOCKED'
  | 'PROCESS_STATE_CORRUPT'
  | 'PROCESS_STOP_FAILED';

export class ProcessError extends GenieError {
  constructor(
    readonly code: ProcessErrorCode,
    message: string,
  ) {
    super(message);
  }
}
