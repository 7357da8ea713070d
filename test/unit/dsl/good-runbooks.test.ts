/** Valid runbooks validate with no diagnostics: every step kind, the shipped runbooks, the limits' edges. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { actionCatalog } from '../../../activities/registry';
import { formatDiagnostic } from '../../../src/dsl/diagnostics';
import { MAX_DEPTH, MAX_STEPS } from '../../../src/dsl/step-tree';
import { childSequences, STEP_KIND_OF_KEY, stepKind, type Step, type StepKind } from '../../../src/dsl/types';
import { validateRunbook } from '../../../src/dsl/validate';
import { projectRoot } from '../../../src/paths';

const HEAD = 'apiVersion: genie.dev/v1\nkind: generic\nmetadata: { name: ok, version: 1.0.0 }\n';

function assertValid(text: string, file = 'inline.yaml') {
  const result = validateRunbook(text, file, actionCatalog);
  assert.deepEqual(result.diagnostics, [], result.diagnostics.map(formatDiagnostic).join('\n'));
  assert.ok(result.runbook, 'a valid runbook is returned');
  return result.runbook;
}

function kindsIn(steps: Step[] | undefined): StepKind[] {
  return (steps ?? []).flatMap((s) => [stepKind(s), ...childSequences(s).flatMap(kindsIn)]);
}

describe('good runbooks', () => {
  const allKinds = path.join(projectRoot, 'test', 'fixtures', 'runbooks', 'all-kinds.yaml');

  // Its recorded history replays in the replay test. The rollout kinds (pause, analysis) came later and
  // need live metrics; test/integration/rollout-steps.test.ts runs them.
  it('all-kinds.yaml is valid and uses every step kind but approval, pause and analysis', () => {
    const runbook = assertValid(fs.readFileSync(allKinds, 'utf8'), allKinds);
    const used = new Set([...kindsIn(runbook.steps), ...kindsIn(runbook.onFailure)]);
    const wanted = Object.values(STEP_KIND_OF_KEY).filter((k) => !['approval', 'pause', 'analysis'].includes(k));
    assert.deepEqual([...used].sort(), wanted.sort());
  });

  it('accepts the same runbook written as JSON', () => {
    const json = JSON.stringify(parseYaml(fs.readFileSync(allKinds, 'utf8')), null, '\t');
    assertValid(json, 'all-kinds.json');
  });

  const minimal: Record<string, string> = {
    action: '- id: a\n  action: util.echo\n  with: { x: 1 }',
    'action with guard, timeout, retry and onError': `- id: a
  if: "{% true %}"
  action: util.fail
  timeout: 5s
  retry: { maxAttempts: 3, initialInterval: 1s, backoff: 2, maxInterval: 10s, nonRetryable: [BAD] }
  onError: handler
  with: { message: boom }
- id: handler
  action: util.echo`,
    sleep: '- id: a\n  sleep: 1h30m',
    'sleep as an expression': "- id: a\n  sleep: \"{% '1' & 's' %}\"",
    approval: `- id: a
  approval:
    message: Go?
    approvers: [alice, bob, group:sre]
    minApprovals: 3
    separationOfDuties: true
    timeout: 30m
    onTimeout: escalate
    escalateTo: [group:managers]`,
    parallel:
      '- id: a\n  parallel:\n    failFast: false\n    maxConcurrency: 1\n    branches:\n      - name: one\n        steps: [{ id: b, sleep: 1s }]\n      - steps: [{ id: c, sleep: 1s }]',
    'if with else': '- id: a\n  if: "{% true %}"\n  then: [{ id: b, sleep: 1s }]\n  else: [{ id: c, sleep: 1s }]',
    switch: '- id: a\n  switch:\n    cases:\n      - when: "{% true %}"\n        steps: [{ id: b, sleep: 1s }]\n    default: [{ id: c, sleep: 1s }]',
    forEach: '- id: a\n  forEach:\n    items: [1, 2, 3]\n    as: n\n    maxErrors: "10%"\n    steps: [{ id: b, action: util.echo, with: { n: "{% $n %}" } }]',
    until:
      '- id: a\n  until:\n    condition: "{% $steps.b.output.done %}"\n    interval: 500ms\n    steps: [{ id: b, action: util.echo, with: { done: true } }]',
    runbook: '- id: a\n  runbook: { name: hello, params: { name: "{% \'x\' %}" } }',
    fail: '- id: a\n  fail: { message: stop here, code: STOPPED }',
    pause: '- id: a\n  pause: { duration: 30s, message: canary at 10%, endOn: [promote] }',
    analysis: `- id: a
  analysis:
    provider: router
    interval: 1s
    count: "{% 3 %}"
    background: false
    metrics:
      - { name: errors, query: { pool: canary, metric: errorRate }, failureCondition: "{% $result > 0.05 %}", failureLimit: 1 }
    judge:
      baseline: stable
      canary: canary
      metrics: [{ name: p95, query: { metric: p95 }, direction: increase, tolerance: 0.2, critical: true }]
    inconclusive: { timeout: 10m, default: fail }`,
  };
  for (const [name, steps] of Object.entries(minimal)) {
    it(`accepts a minimal ${name} step`, () => {
      assertValid(`${HEAD}steps:\n${steps.replace(/^/gm, '  ')}\n`);
    });
  }

  describe('references that are available', () => {
    it('a step nested in an earlier step, from a later top-level step', () => {
      assertValid(`${HEAD}steps:
  - id: fan
    parallel:
      branches:
        - steps: [{ id: left, action: util.echo }]
        - steps: [{ id: right, action: util.echo }]
  - id: after
    action: util.echo
    with: { both: "{% [$steps.left.output, $steps.right.output, $steps.fan.output] %}" }
`);
    });

    it('an earlier step of an enclosing sequence, from deep inside', () => {
      assertValid(`${HEAD}steps:
  - id: first
    action: util.echo
  - id: check
    if: "{% $steps.first.output %}"
    then:
      - id: inner
        action: util.echo
        with: { x: "{% $steps.first.output %}" }
`);
    });

    it("inside an until body, the body's own steps: their results from the previous pass", () => {
      assertValid(`${HEAD}steps:
  - id: loop
    until:
      condition: "{% $steps.plan.output.done %}"
      interval: 1s
      steps:
        - id: probe
          action: util.echo
          with: { last: "{% $steps.plan.output %}" }
        - id: plan
          action: util.echo
          with: { previous: "{% $steps.plan.output %}", done: true }
`);
    });

    it('any main step from onFailure and from outputs; declared params anywhere', () => {
      assertValid(`${HEAD}params:
  service: { type: string, default: api }
steps:
  - id: a
    action: util.echo
    with: { s: "{% $params.service %}" }
  - id: b
    action: util.echo
onFailure:
  - id: cleanup
    action: util.echo
    with: { a: "{% $steps.b.output %}" }
outputs:
  a: "{% $steps.a.output %}"
  cleanup: "{% $steps.cleanup.output %}"
  service: "{% $params.service %}"
`);
    });
  });

  it(`accepts nesting exactly ${MAX_DEPTH} deep and exactly ${MAX_STEPS} steps`, () => {
    let nested = '- id: d32\n  sleep: 1ms';
    for (let i = MAX_DEPTH - 1; i >= 1; i--) nested = `- id: d${i}\n  if: "{% true %}"\n  then:\n${nested.replace(/^/gm, '    ')}`;
    assertValid(`${HEAD}steps:\n${nested.replace(/^/gm, '  ')}\n`);
    const many = Array.from({ length: MAX_STEPS }, (_, i) => `  - { id: s${i}, sleep: 1ms }`).join('\n');
    assertValid(`${HEAD}steps:\n${many}\n`);
  });

  it('compiles the argument schema of every registered action', () => {
    for (const name of actionCatalog.keys()) {
      const result = validateRunbook(`${HEAD}steps:\n  - id: a\n    action: ${name}\n    with: {}\n`, `${name}.yaml`, actionCatalog);
      // Missing required arguments are fine here; anything but ACTION_ARGS means the schema was not understood.
      assert.deepEqual(
        result.diagnostics.filter((d) => d.code !== 'ACTION_ARGS'),
        [],
        name,
      );
    }
  });

  describe('shipped runbooks (runbooks/*.yaml)', () => {
    const dir = path.join(projectRoot, 'runbooks');
    const files = fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
      : [];
    for (const file of files) {
      it(`${file} validates with no diagnostics`, () => {
        assertValid(fs.readFileSync(path.join(dir, file), 'utf8'), `runbooks/${file}`);
      });
    }
  });
});
