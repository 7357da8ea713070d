/**
 * The pure rules of chaos experiments: Chaos Toolkit tolerances (with the cases chaoslib's own
 * tests use), the JSONPath subset, the blast radius, the verdict, and validation errors with
 * file:line:col (targets outside the allowlist, no maximum duration, impossible tolerances,
 * python providers).
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { actionCatalog } from '../../../activities/registry';
import { convertExperiment } from '../../../src/chaos/ctk/convert';
import { readExperimentFile } from '../../../src/chaos/ctk/load';
import { queryJsonPath } from '../../../src/chaos/jsonpath';
import { verdictOf } from '../../../src/chaos/report';
import { selectTargets } from '../../../src/chaos/select';
import { withinTolerance } from '../../../src/chaos/tolerance';
import { RunbookValidationError } from '../../../src/dsl/diagnostics';
import { parseSource } from '../../../src/dsl/parse';
import { validateRunbook } from '../../../src/dsl/validate';
import { projectRoot } from '../../../src/paths';

const FIXTURES = path.join(projectRoot, 'test', 'fixtures', 'chaostoolkit');

describe('chaos: tolerances follow Chaos Toolkit rules', () => {
  const cases: [unknown, unknown, boolean][] = [
    [6, 6, true],
    [6, 7, false],
    [6, { status: 6 }, true],
    [6, { status: 7 }, false],
    [true, true, true],
    [true, false, false],
    ['ok', 'ok', true],
    ['ok', { body: 'ok' }, false],
    [[200, 204], { status: 204 }, true],
    [[200, 204], { status: 500 }, false],
    [[1, 5], 3, true],
    [[1, 5], 6, false],
    [[1, 2, 3], 3, true],
    [{ type: 'range', range: [0, 0.05], target: 'body' }, { body: 0.01 }, true],
    [{ type: 'range', range: [0, 0.05] }, 0.2, false],
    [{ type: 'range', range: [0, 1] }, 'x', false],
    [{ type: 'regex', pattern: '^ok', target: 'stdout' }, { stdout: 'ok then' }, true],
    [{ type: 'regex', pattern: '^ok' }, 'not ok', false],
    [{ type: 'jsonpath', path: '$.status', expect: 'ok', target: 'body' }, { body: { status: 'ok' } }, true],
    [{ type: 'jsonpath', path: '$.status', expect: 'ok', target: 'body' }, { body: '{"status":"down"}' }, false],
    [{ type: 'jsonpath', path: '$.items[?(@.ok == false)]', count: 0 }, { items: [{ ok: true }, { ok: true }] }, true],
    [{ type: 'jsonpath', path: '$..id' }, { a: { b: [{ id: 1 }] } }, true],
    [{ type: 'jsonpath', path: '$.missing' }, { a: 1 }, false],
    [{ type: 'expression', expression: '$value.status = 200 and $value.latencyMs < 100' }, { status: 200, latencyMs: 5 }, true],
    [{ type: 'expression', expression: '$value < 10' }, 12, false],
  ];
  for (const [tolerance, value, expected] of cases) {
    it(`${JSON.stringify(tolerance)} with ${JSON.stringify(value)} → ${expected}`, async () => {
      assert.equal((await withinTolerance(tolerance as never, value)).ok, expected);
    });
  }
  it('jsonpath subset: indexes, wildcards, filters', () => {
    const doc = {
      store: {
        book: [
          { price: 8, t: 'a' },
          { price: 12, t: 'b' },
          { price: 22, t: 'c' },
        ],
      },
    };
    assert.deepEqual(queryJsonPath(doc, '$.store.book[-1].t'), ['c']);
    assert.deepEqual(queryJsonPath(doc, '$.store.book[*].price'), [8, 12, 22]);
    assert.deepEqual(queryJsonPath(doc, '$.store.book[?(@.price > 10)].t'), ['b', 'c']);
    assert.deepEqual(queryJsonPath(doc, "$['store'].book[0]['t']"), ['a']);
    assert.throws(() => queryJsonPath(doc, 'store.book'), /must start with \$/);
  });
});

describe('chaos: blast radius', () => {
  const from = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
  it('all, count(n), percent(p): sizes, membership, reproducible per seed', () => {
    assert.deepEqual(selectTargets(from, 'all', 's'), from);
    assert.equal(selectTargets(from, 'count(3)', 's').length, 3);
    assert.equal(selectTargets(from, 'percent(25)', 's').length, 3, 'rounded up');
    assert.equal(selectTargets(from, 'percent(1)', 's').length, 1, 'at least one');
    assert.deepEqual(selectTargets(from, 'count(4)', 'seed-1'), selectTargets(from, 'count(4)', 'seed-1'));
    const seen = new Set(Array.from({ length: 20 }, (_, i) => selectTargets(from, 'count(1)', `run-${i}`)[0]));
    assert.ok(seen.size > 3, `a different seed picks different targets (${[...seen]})`);
  });
});

describe('chaos: the verdict', () => {
  it('steady, deviated, aborted (not steady before, stop condition with its value, emergency stop)', () => {
    assert.equal(
      verdictOf({ status: 'succeeded', before: { status: 'succeeded', output: { steady: true } }, after: { status: 'succeeded', output: { steady: true } } })
        .verdict,
      'steady',
    );
    const dev = verdictOf({
      status: 'succeeded',
      before: { status: 'succeeded', output: { steady: true } },
      after: { status: 'succeeded', output: { steady: false } },
    });
    assert.deepEqual([dev.verdict, dev.ctkStatus], ['deviated', 'deviated']);
    const notSteady = verdictOf({ status: 'failed', before: { status: 'failed', error: { code: 'NOT_STEADY', message: 'not steady' } } });
    assert.deepEqual([notSteady.verdict, notSteady.ctkStatus], ['aborted', 'failed']);
    const breach = verdictOf({
      status: 'succeeded',
      method: {
        status: 'failed',
        error: {
          code: 'PARALLEL_FAILED',
          details: [
            {
              branch: 'b',
              error: {
                code: 'ANALYSIS_FAILED',
                details: {
                  metrics: [
                    {
                      name: 'p95',
                      verdict: 'Failed',
                      measurements: [
                        { at: 't1', value: 12, outcome: 'successful' },
                        { at: 't2', value: 480, outcome: 'failed' },
                      ],
                    },
                  ],
                },
              },
            },
          ],
        },
      },
    });
    assert.equal(breach.verdict, 'aborted');
    assert.deepEqual(breach.breach, { name: 'p95', value: 480, at: 't2', reason: 'failure condition met' });
    assert.match(verdictOf({ status: 'aborted', error: { message: 'emergency stop by alice: x' } }).reason, /emergency stop by alice/);
  });
});

describe('chaos: bad input is a file:line:col error', () => {
  const text = `apiVersion: genie.dev/v1
kind: chaos
metadata: { name: bad-chaos, version: 1.0.0 }
steps:
  - id: slow
    action: chaos.inject
    with:
      fault: { http: { latency: 100ms } }
      targets: { from: [canary, payments-db] }
      duration: 10s
  - id: forever
    action: chaos.inject
    with:
      fault: { disk: { mb: 1 } }
      targets: { from: [/tmp/genie-fill] }
  - id: fill
    action: chaos.inject
    with:
      fault: { disk: { mb: 1 } }
      targets: { from: [/etc] }
      duration: 1m
  - id: probe
    action: chaos.probe
    with:
      probes:
        - name: p95
          metric: { pool: canary, metric: p95 }
          tolerance: { type: range, range: [500, 100] }
`;
  it('names the target outside the allowlist, the fault without a max duration and the impossible range', () => {
    const saved = process.env.GENIE_CHAOS_TARGETS;
    process.env.GENIE_CHAOS_TARGETS = 'pool:canary,dir:/tmp/genie-fill';
    try {
      const result = validateRunbook(text, 'bad.yaml', actionCatalog);
      const lines = result.diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.code} ${d.message}`);
      assert.ok(
        lines.some((l) => /^bad\.yaml:9:33 ACTION_ARGS .*pool:payments-db is not in the chaos allowlist/.test(l)),
        lines.join('\n'),
      );
      assert.ok(
        lines.some((l) => /^bad\.yaml:20:\d+ ACTION_ARGS .*dir:\/etc is not in the chaos allowlist/.test(l)),
        lines.join('\n'),
      );
      assert.ok(
        lines.some((l) => /^bad\.yaml:13:5 .*missing required argument 'duration'/.test(l)),
        lines.join('\n'),
      );
      assert.ok(
        lines.some((l) => /^bad\.yaml:28:\d+ ACTION_ARGS .*range \[500, 100\] is impossible/.test(l)),
        lines.join('\n'),
      );
    } finally {
      if (saved === undefined) delete process.env.GENIE_CHAOS_TARGETS;
      else process.env.GENIE_CHAOS_TARGETS = saved;
    }
  });
});

describe('chaos: Chaos Toolkit import', () => {
  it('maps hypothesis, method with pauses, rollbacks to finally, configuration to params and secrets to secret:// references', () => {
    const { definition, envValues } = readExperimentFile(path.join(FIXTURES, 'steady.json'), actionCatalog, { CTK_BASE_URL: 'http://127.0.0.1:1234' })!;
    assert.equal(definition.kind, 'chaos');
    assert.deepEqual(envValues, { base_url: 'http://127.0.0.1:1234' });
    const ids = definition.steps.map((s) => s.id);
    assert.deepEqual(ids, ['before', 'call_the_slow_endpoint', 'call_the_slow_endpoint_pause_after', 'read_the_status_during', 'after', 'report']);
    assert.deepEqual(
      definition.finally!.map((s) => s.id),
      ['reset_the_service', 'cleanup', 'finalReport'],
    );
    const text = JSON.stringify(definition);
    assert.ok(text.includes('Bearer secret://ctk_token'), 'the secret is a reference, never a value');
    assert.ok(text.includes('{% $string($params.base_url) & \\"/health\\" %}'), text);
  });
  it('a python provider fails validation naming the activity, at its line and column', () => {
    const file = path.join(FIXTURES, 'python-provider.json');
    assert.throws(
      () => readExperimentFile(file, actionCatalog),
      (err: unknown) => {
        assert.ok(err instanceof RunbookValidationError);
        assert.match(
          err.message,
          /python-provider\.json:21:25: UNKNOWN_ACTION action 'terminate-db-pod' uses the python provider \(module chaosk8s\.pod\.actions, func terminate_pods\)/,
        );
        return true;
      },
    );
  });
  it('YAML experiments and refs convert too', () => {
    const converted = convertExperiment(parseSource(require('node:fs').readFileSync(path.join(FIXTURES, 'experiment.yaml'), 'utf8'), 'experiment.yaml'));
    assert.deepEqual(converted.diagnostics, []);
    const deviated = readExperimentFile(path.join(FIXTURES, 'deviated.json'), actionCatalog, { CTK_BASE_URL: 'http://x' })!;
    assert.ok(
      deviated.definition.steps.some((s) => s.id === 'service_is_healthy'),
      'the ref became a step',
    );
  });
});
