/**
 * Function-based shadow tests: shadow.compareActions calls two registered actions with the
 * same input and compares their outputs under the shadow rules — here util.echo, and
 * http.request against two real demo services (one changes a field; both answer with a
 * random request id, which the second primary call cancels as noise).
 */
import { strict as assert } from 'node:assert';
import { compareActions } from '../../../activities/shadow';
import { startDemoService, type DemoService } from '../../../src/demo/service';
import { failureOf } from '../activities/failure';

describe('shadow.compareActions (function-based shadow test)', function () {
  this.timeout(20_000);
  let primary: DemoService;
  let candidate: DemoService;
  before(async () => {
    primary = await startDemoService({ name: 'orders', version: '1.0.0', fields: { price: 10 } });
    candidate = await startDemoService({ name: 'orders', version: '1.0.0', fields: { price: 12 } });
  });
  after(async () => {
    await primary?.close();
    await candidate?.close();
  });

  it('same action, same input: no mismatch; candidate.with defaults to primary.with', async () => {
    const r = await compareActions.run({ primary: { action: 'util.echo', with: { a: 1, list: [1, 2] } }, candidate: { action: 'util.echo' }, times: 3 });
    assert.equal(r.passed, true);
    assert.equal(r.pairs, 3);
    assert.equal(r.calls, 6);
    assert.equal(r.mismatches, 0);
  });

  it('reports the differing output field, within numeric tolerance or not', async () => {
    const run = (extra = {}) =>
      compareActions.run({ primary: { action: 'util.echo', with: { a: 1, b: 100 } }, candidate: { action: 'util.echo', with: { a: 1, b: 101 } }, ...extra });
    const r = await run();
    assert.equal(r.passed, false);
    assert.deepEqual(r.differingFields, ['util.echo $.b']);
    assert.deepEqual(r.endpoints[0].fields[0].examples[0], { id: 1, field: '$.b', primary: 100, candidate: 101 });
    assert.equal((await run({ numericTolerance: { relative: 0.02 } })).passed, true);
    assert.equal((await run({ maxMismatchRate: 1 })).passed, true);
  });

  it('http.request against two services: the changed field is real, the request id is noise (primary called twice)', async () => {
    const r = await compareActions.run({
      primary: { action: 'http.request', with: { url: `${primary.url}/orders/1` } },
      candidate: { action: 'http.request', with: { url: `${candidate.url}/orders/1` } },
      // Loopback latencies of 1-2 ms differ at random; over 5 pairs they are too few to classify either way.
      times: 5,
      noise: true,
      ignore: ['$.latencyMs'],
    });
    assert.equal(r.calls, 15);
    assert.equal(r.noisePairs, 5);
    assert.deepEqual(r.differingFields, ['http.request $.body.price']);
    assert.ok(r.noiseFields.includes('http.request $.body.requestId'), JSON.stringify(r.noiseFields));
    assert.equal(r.mismatchRate, 1);
  });

  it('refuses unknown actions, bad arguments, shadowing itself, and malformed rules — not retryable', async () => {
    const unknown = await failureOf(compareActions.run({ primary: { action: 'nope.nothing' }, candidate: { action: 'util.echo' } }), 'UNKNOWN_ACTION');
    assert.equal(unknown.nonRetryable, true);
    const args = await failureOf(
      compareActions.run({ primary: { action: 'http.request', with: { url: 5 } }, candidate: { action: 'http.request' } }),
      'ACTION_ARGS',
    );
    assert.match(args.message, /primary: arguments of http.request are invalid: \/url/);
    await failureOf(compareActions.run({ primary: { action: 'shadow.compare' }, candidate: { action: 'util.echo' } }), 'BAD_ARGUMENT');
    await failureOf(compareActions.run({ primary: { action: 'util.echo' }, candidate: { action: 'util.echo' }, ignore: ['requestId'] }), 'SHADOW_BAD_RULES');
  });
});
