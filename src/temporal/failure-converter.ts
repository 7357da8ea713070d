/**
 * Failures with their message and stack trace moved into an encoded payload, so the payload
 * codec encrypts them like any other payload: an error message can quote a secret, a response
 * body or a host name, and history is not the place for it in plaintext. Loaded by path
 * (the workflow bundle and loadDataConverter both need a module with this export name).
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
