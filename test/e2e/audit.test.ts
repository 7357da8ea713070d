/**
 * Audit trail end to end: a run with a secret parameter, exported with `genie audit export`
 * and checked with `genie audit verify`; the secret appears in no export or timeline.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { localEnv, uniqueQueue, withWorker } from '../helpers/temporal';
import { inlineRunbook, startInline } from '../helpers/runbooks';
import { genie } from '../helpers/processes';

describe('audit export / verify and secret masking (real Temporal, real CLI)', function () {
  this.timeout(120_000);
  const SECRET = 'tok-9f8e7d6c5b4a';
  let env: TestWorkflowEnvironment;
  let tmp: string;
  let cliEnv: Record<string, string>;
  const queue = uniqueQueue('audit');
  let workflowId: string;

  before(async () => {
    env = await localEnv();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-audit-'));
    cliEnv = { TEMPORAL_ADDRESS: env.address, GENIE_STATE_DIR: tmp, GENIE_USER: 'auditor' };
    const rb = inlineRunbook(
      [
        { id: 'use', action: 'util.echo', with: { header: '{% "Bearer " & $params.token %}', plain: '{% $params.region %}' } },
        { id: 'gate', approval: { timeout: '100ms', onTimeout: 'approve' } },
      ],
      { params: { token: { type: 'string', secret: true }, region: { type: 'string', default: 'eu-west-1' } } },
    );
    const result = await withWorker(env, queue, async () => {
      const handle = await startInline(env, queue, rb, { params: { token: SECRET } });
      workflowId = handle.workflowId;
      return handle.result();
    });
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('exports a verifiable record with the secret masked everywhere', async () => {
    const out = path.join(tmp, 'run.jsonl');
    const exported = await genie(['audit', 'export', workflowId, '--out', out], cliEnv);
    assert.equal(exported.code, 0, exported.output);
    const text = fs.readFileSync(out, 'utf8');
    assert.ok(!text.includes(SECRET), 'the secret value is in the export');
    assert.match(text, /Bearer \*\*\*/);
    assert.match(text, /eu-west-1/, 'non-secret values must stay readable');
    const verified = await genie(['audit', 'verify', out], cliEnv);
    assert.equal(verified.code, 0, verified.output);
    assert.match(verified.output, /^ok: \d+ records of .* intact, signed by SHA256:/m);
    assert.ok(fs.statSync(path.join(tmp, 'audit-ed25519.pem')).mode % 0o1000 === 0o600, 'the key file must be private');
  });

  it('verify exits 1 and names the line of a tampered record', async () => {
    const out = path.join(tmp, 'tampered.jsonl');
    assert.equal((await genie(['audit', 'export', workflowId, '--out', out], cliEnv)).code, 0);
    const lines = fs.readFileSync(out, 'utf8').split('\n');
    lines[4] = lines[4].replace(/"time":"[^"]+"/, '"time":"2020-01-01T00:00:00.000Z"');
    fs.writeFileSync(out, lines.join('\n'));
    const verified = await genie(['audit', 'verify', out], cliEnv);
    assert.equal(verified.code, 1);
    assert.match(verified.output, /TAMPERED: .*tampered\.jsonl:5: record 5 content was changed/);
  });

  it('genie replay shows the state at an earlier event, secrets masked', async () => {
    const replayed = await genie(['replay', workflowId, '--at', '8', '--json'], cliEnv);
    assert.equal(replayed.code, 0, replayed.output);
    const t = JSON.parse(replayed.output);
    assert.equal(t.atEventId, 8);
    assert.ok(t.totalEvents > 8);
    assert.ok(!replayed.output.includes(SECRET));
    const final = await genie(['replay', workflowId], cliEnv);
    assert.match(final.output, /: succeeded/);
  });

  it('genie history and genie status (the state query and the result) never show the secret either', async () => {
    const timeline = await genie(['history', workflowId, '--json'], cliEnv);
    assert.equal(timeline.code, 0, timeline.output);
    assert.ok(!timeline.output.includes(SECRET));
    assert.match(timeline.output, /\*\*\*/);
    const status = await genie(['status', workflowId, '--json'], cliEnv);
    assert.equal(status.code, 0, status.output);
    assert.ok(!status.output.includes(SECRET), status.output);
    assert.match(status.output, /Bearer \*\*\*/);
    const result = await env.client.workflow.getHandle(workflowId).result();
    assert.ok(!JSON.stringify(result).includes(SECRET), 'the run result holds the secret');
  });
});
