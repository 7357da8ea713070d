/** The example policy in docs/security.md is a working policy. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePolicy } from '../../../src/policy';
import { projectRoot } from '../../../src/paths';

describe('policy: the example in docs/security.md', () => {
  it('parses, with the rules it describes', () => {
    const page = fs.readFileSync(path.join(projectRoot, 'docs', 'security.md'), 'utf8');
    assert.ok(page.includes('## Access policy'), 'docs/security.md has no ## Access policy section');
    const section = page.slice(page.indexOf('## Access policy'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(example, 'no yaml example under ## Access policy');
    const policy = parsePolicy(example, 'docs/security.md');
    assert.deepEqual([...policy.identities.keys()], ['alice', 'deploy-bot']);
    assert.equal(policy.unsigned.get('abort'), undefined);
    assert.equal(policy.maxAgeMs, 300_000);
  });
});
