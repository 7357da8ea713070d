/**
 * A worker makes sure its namespace knows Genie's search attributes before it runs anything:
 * on a cluster without them, every run's first upsert would fail its workflow task forever.
 * It registers missing ones when allowed; otherwise it says how to, and runs without them.
 */
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_NAMES } from '../../workflows/search-attributes';

export async function ensureSearchAttributes(client: Client, namespace: string, log: (line: string) => void): Promise<boolean> {
  if (process.env.GENIE_SEARCH_ATTRIBUTES === 'off') return false;
  const operator = client.connection.operatorService;
  try {
    const existing = await operator.listSearchAttributes({ namespace });
    const missing = SEARCH_ATTRIBUTE_NAMES.filter((name) => !existing.customAttributes?.[name]);
    if (missing.length === 0) return true;
    await operator.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((name) => [name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
    });
    log(`registered search attributes ${missing.join(', ')} on namespace ${namespace}`);
    return true;
  } catch (err) {
    log(
      `warning: cannot check or register Genie's search attributes on namespace ${namespace} (${(err as Error).message.split('\n')[0]}).\n` +
        '  Runs will work but cannot be filtered by RunbookName/RunbookStatus. To fix, run once:\n' +
        SEARCH_ATTRIBUTE_NAMES.map((n) => `    temporal operator search-attribute create --namespace ${namespace} --name ${n} --type Keyword`).join('\n'),
    );
    process.env.GENIE_SEARCH_ATTRIBUTES = 'off';
    return false;
  }
}
