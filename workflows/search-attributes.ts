/** The search attributes Genie registers, so runs can be found by runbook in the UI and CLI. */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const RunbookName = defineSearchAttributeKey('RunbookName', SearchAttributeType.KEYWORD);
export const RunbookKind = defineSearchAttributeKey('RunbookKind', SearchAttributeType.KEYWORD);
export const RunbookStatus = defineSearchAttributeKey('RunbookStatus', SearchAttributeType.KEYWORD);
export const RunbookTarget = defineSearchAttributeKey('RunbookTarget', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_NAMES = ['RunbookName', 'RunbookKind', 'RunbookStatus', 'RunbookTarget'] as const;
