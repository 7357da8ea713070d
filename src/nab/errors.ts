/** Problems with NAB inputs (data folder, windows, profiles), each with a stable code. */
import { GenieError } from '../errors/genie-error';

export type NabErrorCode = 'NAB_DATA_MISSING' | 'NAB_BAD_CSV' | 'NAB_BAD_WINDOWS' | 'NAB_BAD_PROFILES' | 'NAB_UNKNOWN_FILE' | 'NAB_NO_WINDOWS';

export class NabError extends GenieError {
  constructor(
    readonly code: NabErrorCode,
    message: string,
  ) {
    super(message);
  }
}
