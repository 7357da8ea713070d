/** The example policy in the README is a working policy. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePolicy } from '../../../src/policy';
import { projectRoot } from '../../../src/paths';

describe('policy: the README example', () => {
  it('parses, with the rules it describes', () => {
    const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Access policy'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(example, 'no yaml example under ## Access policy');
    const policy = parsePolicy(example, 'README.md');
    assert.deepEqual([...policy.identities.keys()], ['alice', 'deploy-bot']);
    assert.equal(policy.unsigned.get('abort'), undefined);
    assert.equal(policy.maxAgeMs, 300_000);
  });
});
