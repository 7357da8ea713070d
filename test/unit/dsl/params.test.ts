/** Run parameters: defaults, required, conversions from command-line strings, unknown names. */
import * as assert from 'node:assert/strict';
import { actionCatalog } from '../../../activities/registry';
import type { Runbook } from '../../../src/dsl/types';
import { validateParams, validateRunbook } from '../../../src/dsl/validate';

const runbook = validateRunbook(
  `apiVersion: genie.dev/v1
kind: generic
metadata: { name: params-demo, version: 1.0.0 }
params:
  service: { type: string, required: true }
  replicas: { type: number, default: 2 }
  dryRun: { type: boolean, default: false }
  wait: { type: duration, default: 30s }
  mode: { type: enum, values: [fast, slow], default: fast }
  shard: { type: enum, values: [1, 2, 3] }
  extra: { type: object }
  token: { type: string, secret: true }
steps:
  - { id: a, sleep: 1s }
`,
  'params.yaml',
  actionCatalog,
).runbook as Runbook;

function codes(given: Record<string, unknown>): string[] {
  return validateParams(runbook, given).diagnostics.map((d) => `${d.code} ${d.path}`);
}

describe('validateParams', () => {
  before(() => assert.ok(runbook, 'fixture runbook is valid'));

  it('applies defaults and keeps given values', () => {
    const { params, diagnostics } = validateParams(runbook, { service: 'api' });
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(params, { service: 'api', replicas: 2, dryRun: false, wait: '30s', mode: 'fast' });
  });

  it('converts strings from the command line to the declared types', () => {
    const { params, diagnostics } = validateParams(runbook, {
      service: 'api',
      replicas: '3',
      dryRun: 'TRUE',
      wait: ' 1h30m ',
      mode: 'slow',
      shard: '2',
      extra: '{"a":1}',
    });
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(params, { service: 'api', replicas: 3, dryRun: true, wait: '1h30m', mode: 'slow', shard: 2, extra: { a: 1 } });
  });

  it('reports a missing required param', () => {
    assert.deepEqual(codes({}), ['PARAM_REQUIRED /service']);
  });

  it('reports values of the wrong type, one diagnostic each', () => {
    assert.deepEqual(codes({ service: 'api', replicas: 'three', dryRun: 'yes', wait: '5 minutes', mode: 'medium', shard: 4, extra: '[1]' }), [
      'PARAM_VALUE /replicas',
      'PARAM_VALUE /dryRun',
      'PARAM_VALUE /wait',
      'PARAM_VALUE /mode',
      'PARAM_VALUE /shard',
      'PARAM_VALUE /extra',
    ]);
    assert.deepEqual(codes({ service: 42 }), ['PARAM_VALUE /service']);
    assert.deepEqual(codes({ service: 'api', replicas: '' }), ['PARAM_VALUE /replicas']);
  });

  it('reports unknown params with a suggestion', () => {
    const { diagnostics } = validateParams(runbook, { service: 'api', replica: 3 });
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['PARAM_UNKNOWN'],
    );
    assert.match(diagnostics[0].message, /did you mean 'replicas'\?/);
    assert.match(diagnostics[0].hint, /declared params: service, replicas/);
  });

  it('suggests the closest enum value', () => {
    const [d] = validateParams(runbook, { service: 'api', mode: 'fsat' }).diagnostics;
    assert.match(d.message, /one of fast, slow \(did you mean 'fast'\?\)/);
  });

  it('never shows the value of a secret param', () => {
    const [d] = validateParams(runbook, { service: 'api', token: 12345 }).diagnostics;
    assert.equal(d.code, 'PARAM_VALUE');
    assert.doesNotMatch(d.message, /12345/);
  });

  it('has no position in a file, and names its source', () => {
    const [d] = validateParams(runbook, {}, '--param').diagnostics;
    assert.deepEqual([d.file, d.line, d.col], ['--param', 0, 0]);
  });
});
