/** Shadow comparison rules: ignore paths, numeric tolerance, header allowlist, status, endpoints. */
import { strict as assert } from 'node:assert';
import { compilePattern, compileRules, differences, endpointOf, formatPath, generalizePath, parsedBody, type Observation } from '../../../src/shadow';

const fieldsOf = (a: Observation, b: Observation, rules = {}) => differences(a, b, compileRules(rules)).map((d) => d.field);

describe('shadow comparison rules', () => {
  it('finds changed, missing and extra fields in nested JSON, arrays by index', () => {
    const a = { id: 1, user: { name: 'ann', tags: ['a', 'b'] }, gone: true };
    const b = { id: 1, user: { name: 'bob', tags: ['a', 'b', 'c'] }, added: 1 };
    const diffs = differences({ body: a }, { body: b }, compileRules());
    assert.deepEqual(diffs, [
      { field: '$.added', primary: null, candidate: 1, missing: 'primary' },
      { field: '$.gone', primary: true, candidate: null, missing: 'candidate' },
      { field: '$.user.name', primary: 'ann', candidate: 'bob' },
      { field: '$.user.tags[2]', primary: null, candidate: 'c', missing: 'primary' },
    ]);
    assert.deepEqual(fieldsOf({ body: { a: 1 } }, { body: { a: '1' } }), ['$.a'], 'a type change is a difference');
    assert.deepEqual(fieldsOf({ body: 'plain text' }, { body: 'other text' }), ['$'], 'text bodies compare whole');
    assert.deepEqual(fieldsOf({ body: { a: null } }, { body: { a: null } }), []);
  });

  it('ignores JSON paths: a field, its subtree, any index, any depth, quoted keys', () => {
    const a = {
      requestId: 'x',
      meta: { at: 1, by: 'a' },
      items: [
        { id: 1, ts: 5 },
        { id: 2, ts: 6 },
      ],
      deep: { deeper: { timestamp: 1 } },
      'odd key': 1,
    };
    const b = {
      requestId: 'y',
      meta: { at: 2, by: 'b' },
      items: [
        { id: 1, ts: 7 },
        { id: 3, ts: 8 },
      ],
      deep: { deeper: { timestamp: 2 } },
      'odd key': 2,
    };
    assert.deepEqual(fieldsOf({ body: a }, { body: b }), [
      '$.deep.deeper.timestamp',
      '$.items[0].ts',
      '$.items[1].id',
      '$.items[1].ts',
      '$.meta.at',
      '$.meta.by',
      "$['odd key']",
      '$.requestId',
    ]);
    assert.deepEqual(fieldsOf({ body: a }, { body: b }, { ignore: ['$.requestId', '$.meta', '$.items[*].ts', '$..timestamp', "$['odd key']"] }), [
      '$.items[1].id',
    ]);
    assert.deepEqual(fieldsOf({ body: a }, { body: b }, { ignore: ['$.items[1]', '$.*'] }), [], '$.* ignores every top-level field');
  });

  it('numeric tolerance: absolute or relative', () => {
    const a = { body: { p: 100, q: 0.001 } };
    const b = { body: { p: 101, q: 0.0012 } };
    assert.deepEqual(fieldsOf(a, b), ['$.p', '$.q']);
    assert.deepEqual(fieldsOf(a, b, { numericTolerance: { absolute: 0.01 } }), ['$.p']);
    assert.deepEqual(fieldsOf(a, b, { numericTolerance: { relative: 0.01 } }), ['$.q'], '1% of 101 covers p; q moved 17%');
    assert.deepEqual(fieldsOf(a, b, { numericTolerance: { absolute: 0.01, relative: 0.01 } }), []);
  });

  it('status is compared unless turned off or ignored; headers only when allowlisted (case-insensitive)', () => {
    const a: Observation = { status: 200, headers: { 'Content-Type': 'application/json', date: 'Mon' }, body: {} };
    const b: Observation = { status: 500, headers: { 'content-type': 'text/plain', date: 'Tue' }, body: {} };
    assert.deepEqual(fieldsOf(a, b), ['status']);
    assert.deepEqual(fieldsOf(a, b, { compareStatus: false }), []);
    assert.deepEqual(fieldsOf(a, b, { ignore: ['status'] }), []);
    assert.deepEqual(fieldsOf(a, b, { headers: ['content-type', 'X-Missing'] }), ['status', 'header:content-type']);
    assert.deepEqual(
      fieldsOf(a, { ...b, headers: { 'x-missing': '1', 'content-type': 'application/json' } }, { headers: ['X-Missing'], compareStatus: false }),
      ['header:x-missing'],
    );
  });

  it('refuses malformed rules, naming the pattern and what is allowed', () => {
    assert.throws(() => compileRules({ ignore: ['requestId'] }), /ignore pattern "requestId": write a JSON path starting with \$/);
    assert.throws(() => compilePattern('$.items[x]'), /expected \[\*\], \[<index>\] or \['<key>'\] at column 8/);
    assert.throws(() => compileRules({ numericTolerance: { relative: -1 } }), /numericTolerance.relative must be a finite number ≥ 0/);
  });

  it('paths: formatted, generalized over indices; endpoints as method + template', () => {
    assert.equal(formatPath(['a', 0, 'b c', 'x-y']), "$.a[0]['b c'].x-y");
    assert.equal(generalizePath('$.items[12].tags[0]'), '$.items[*].tags[*]');
    assert.equal(endpointOf('get', '/orders/42?x=1'), 'GET /orders/:id');
    assert.equal(endpointOf('GET', '/users/3f2b6c1e-8d4a-4b7e-9a51-0c2d3e4f5a6b/avatar'), 'GET /users/:id/avatar');
    assert.equal(endpointOf('POST', '/api/v2/items'), 'POST /api/v2/items');
    assert.equal(endpointOf('GET', '/?q=1'), 'GET /');
  });

  it('captured bodies: JSON when they parse, text otherwise (a cut excerpt stays text)', () => {
    assert.deepEqual(parsedBody('{"a":1}'), { a: 1 });
    assert.equal(parsedBody('{"a":1'), '{"a":1');
    assert.equal(parsedBody('hello'), 'hello');
    assert.equal(parsedBody(''), '');
  });
});
