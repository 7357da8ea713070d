/**
 * The replay test proves only what the recorded histories exercise. These checks keep the
 * fixtures covering what runs: a runbook of every kind Genie ships, a run that continued as
 * new (its successor started from the carried state), and overrides sent on the signed path.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../src/paths';

const dir = path.join(projectRoot, 'test', 'fixtures', 'histories');
const runbooks = path.join(projectRoot, 'runbooks');

interface Payloads {
  payloads?: Array<{ data?: string }>;
}
interface Event {
  workflowExecutionStartedEventAttributes?: { input?: Payloads; continuedExecutionRunId?: string };
  workflowExecutionUpdateAcceptedEventAttributes?: { acceptedRequest?: { input?: { name?: string; args?: Payloads } } };
}

const decode = (p: Payloads | undefined): unknown[] =>
  (p?.payloads ?? []).map((x) => JSON.parse(Buffer.from(x.data ?? '', 'base64').toString('utf8')) as unknown);

describe('replay fixtures cover what runs', () => {
  const histories = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: f, events: (JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { events: Event[] }).events }));
  const started = (events: Event[]) => events[0]?.workflowExecutionStartedEventAttributes;

  it('a recorded run of every kind of shipped runbook', () => {
    const kindOf = new Map(
      fs
        .readdirSync(runbooks)
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => parse(fs.readFileSync(path.join(runbooks, f), 'utf8')) as { kind: string; metadata: { name: string } })
        .map((rb) => [rb.metadata.name, rb.kind]),
    );
    const recorded = new Set(
      histories.map(({ events }) => {
        const input = decode(started(events)?.input)[0] as { runbook?: unknown } | undefined;
        return typeof input?.runbook === 'string' ? kindOf.get(input.runbook) : undefined;
      }),
    );
    const missing = [...new Set(kindOf.values())].filter((kind) => !recorded.has(kind)).sort();
    assert.deepEqual(missing, [], `no recorded history runs a shipped runbook of kind ${missing.join(', ')}; add a scenario to test/scenarios/ and record it`);
  });

  it('a run continued as new, and the run it continued from', () => {
    const continued = histories.filter(({ events }) => started(events)?.continuedExecutionRunId);
    assert.ok(continued.length >= 1, 'no recorded history is a continued run');
    for (const { file } of continued) {
      const earlier = file.replace(/\.run-(\d+)\.json$/, (_, n: string) => `.run-${Number(n) - 1}.json`);
      assert.ok(
        histories.some((h) => h.file === earlier),
        `${file} continues a run that is not recorded (${earlier})`,
      );
    }
  });

  it('overrides authorized by a signature', () => {
    const signed = histories.flatMap(({ file, events }) =>
      events.flatMap((e) => {
        const request = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
        return decode(request?.args).some((a) => typeof (a as { auth?: { signature?: unknown } }).auth?.signature === 'string')
          ? [`${file}: ${request?.name}`]
          : [];
      }),
    );
    assert.ok(signed.length >= 2, `signed overrides in the recorded histories: ${signed.join(', ') || 'none'}`);
  });
});
