/** What every fault kind provides: prepare (read what undoing needs), apply, and an idempotent remove. */
import type { FaultRecord } from '../store';
import { GenieError } from '../../errors/genie-error';

export interface FaultDriver {
  /**
   * Checks the target and reads what undoing will need (the router's previous faults, the
   * interface's qdisc, the process identity). Changes nothing.
   */
  prepare(target: string, spec: Record<string, unknown>, id: string): Promise<Record<string, unknown>>;
  /** Applies the fault described by the record (its undo is already on disk). */
  apply(record: FaultRecord): Promise<void>;
  /** Takes the fault back; safe to call again, and on a fault that was never applied. Says what it did. */
  remove(record: FaultRecord): Promise<string>;
  /** Lives inside the owner's process (threads): only the owner can end it, and it ends with the owner. */
  local?: boolean;
}

export class FaultError extends GenieError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
