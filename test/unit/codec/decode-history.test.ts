/** Histories for people: encrypted payloads and encrypted failure text come back readable. */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type ProtoFailure } from '@temporalio/common';
import { AesGcmCodec } from '../../../src/temporal/codec/aes-gcm-codec';
import { decodeHistory } from '../../../src/temporal/codec/decode-history';
import { failureConverter } from '../../../src/temporal/failure-converter';
import type { HistoryEvent } from '../../../src/temporal/history';

describe('decodeHistory', () => {
  const codec = new AesGcmCodec({ current: 'k1', keys: new Map([['k1', randomBytes(32)]]) });

  it('restores a failure message and stack the failure converter moved into an encrypted payload', async () => {
    const stored: ProtoFailure = failureConverter.errorToFailure(new Error('dana may not approve'), defaultPayloadConverter);
    assert.equal(stored.message, 'Encoded failure', 'the converter hides the text in the clear');
    const [sealed] = await codec.encode([stored.encodedAttributes!]);
    const event = {
      eventId: 7,
      workflowExecutionUpdateCompletedEventAttributes: { outcome: { failure: { ...stored, encodedAttributes: sealed } } },
    } as unknown as HistoryEvent;

    const [decoded] = await decodeHistory([event], [codec]);
    const failure = (decoded as { workflowExecutionUpdateCompletedEventAttributes: { outcome: { failure: ProtoFailure } } })
      .workflowExecutionUpdateCompletedEventAttributes.outcome.failure;
    assert.equal(failure.message, 'dana may not approve');
    assert.match(String(failure.stackTrace), /dana may not approve/);
    assert.equal(failure.encodedAttributes, undefined);
  });

  it('leaves a failure without encoded attributes as it was', async () => {
    const event = { eventId: 8, activityTaskFailedEventAttributes: { failure: { message: 'plain', stackTrace: '' } } } as unknown as HistoryEvent;
    const [decoded] = await decodeHistory([event], [codec]);
    assert.deepEqual(decoded, event);
  });
});
