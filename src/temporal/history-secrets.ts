/**
 * Secret parameter values must not leave through history projections (CLI timeline, audit
 * export). The run's own load record (the local-activity marker, or a continued run's input)
 * says which parameters are secret and what they were; every copy of those values is masked.
 */
import type { PayloadConverter } from '@temporalio/common';
import { secretTexts } from '../dsl/mask';
import type { LoadedRunbook, RunbookInput } from '../../workflows/api';
import type { HistoryEvent } from './history';

function loadedOf(events: HistoryEvent[], converter: PayloadConverter): LoadedRunbook | undefined {
  for (const e of events) {
    const started = e.workflowExecutionStartedEventAttributes;
    if (started?.input?.payloads?.[0]) {
      const input = converter.fromPayload(started.input.payloads[0]) as RunbookInput;
      if (input?.continued?.loaded) return input.continued.loaded;
    }
    const marker = e.markerRecordedEventAttributes;
    const result = marker?.details?.result?.payloads?.[0];
    if (result) {
      const value = converter.fromPayload(result) as Partial<LoadedRunbook>;
      if (value?.resolved && value.params) return value as LoadedRunbook;
    }
  }
  return undefined;
}

/** The values of the run's secret parameters, as they appear in text. */
export function secretValues(events: HistoryEvent[], converter: PayloadConverter): string[] {
  let loaded: LoadedRunbook | undefined;
  try {
    loaded = loadedOf(events, converter);
  } catch {
    return [];
  }
  if (!loaded) return [];
  return secretTexts(loaded.params, loaded.secretParams);
}
