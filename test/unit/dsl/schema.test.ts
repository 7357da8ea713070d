/** The published JSON Schema is current, loads in a strict draft 2020-12 validator, and agrees with `genie validate`. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse as parseYaml } from 'yaml';
import { buildPublishedSchema } from '../../../src/dsl/json-schema';
import { STEP_KIND_KEYS } from '../../../src/dsl/types';
import { SCHEMA_PATH, schemaText } from '../../../src/dsl/write-schema';
import { projectRoot } from '../../../src/paths';

describe('runbooks/runbook.schema.json', () => {
  it('is up to date with src/dsl/types.ts', () => {
    const checkedIn = fs.existsSync(SCHEMA_PATH) ? fs.readFileSync(SCHEMA_PATH, 'utf8') : '(missing)';
    assert.ok(checkedIn === schemaText(), 'runbooks/runbook.schema.json is out of date: run `npm run schema` and commit the result');
  });

  it('rewrites step references to #/$defs/Step and documents every step kind', () => {
    const schema = buildPublishedSchema();
    const text = JSON.stringify(schema);
    assert.ok(!text.includes('"$ref":"Step"'), 'a bare Step reference is left');
    assert.ok(text.includes('"$ref":"#/$defs/Step"'));
    const alternatives = (schema.$defs as { Step: { anyOf: { title?: string; description?: string }[] } }).Step.anyOf;
    assert.equal(alternatives.length, STEP_KIND_KEYS.length);
    for (const alternative of alternatives) assert.ok(alternative.title && alternative.description);
  });

  describe('in a strict draft 2020-12 validator', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    ajv.addKeyword('markdownDescription');
    const validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8')));
    const load = (...parts: string[]) => parseYaml(fs.readFileSync(path.join(projectRoot, ...parts), 'utf8'));

    it('accepts the all-kinds fixture and the shipped runbooks', () => {
      const runbooks = fs
        .readdirSync(path.join(projectRoot, 'runbooks'))
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => ['runbooks', f]);
      for (const parts of [['test', 'fixtures', 'runbooks', 'all-kinds.yaml'], ...runbooks]) {
        assert.ok(validate(load(...parts)), `${parts.join('/')}: ${JSON.stringify(validate.errors)}`);
      }
    });

    it('rejects unknown fields in nested steps and bad param names', () => {
      const runbook = load('test', 'fixtures', 'runbooks', 'all-kinds.yaml');
      runbook.steps[4].parallel.branches[0].steps[0].retires = 3;
      assert.equal(validate(runbook), false);
      const params = {
        apiVersion: 'genie.dev/v1',
        kind: 'generic',
        metadata: { name: 'x', version: '1' },
        params: { 'my-param': { type: 'string' } },
        steps: [{ id: 'a', sleep: '1s' }],
      };
      assert.equal(validate(params), false);
    });
  });
});
