/**
 * secret:// references end to end, on a real Temporal dev server with a real worker process:
 * the target receives the real value, and the value is nowhere else — not in the decoded
 * history, the worker's logs, or what `genie status` and `genie history` print.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { decodeHistory } from '../../src/temporal/codec/decode-history';
import { genie, spawnGenie, waitForOutput, type Spawned } from '../helpers/processes';
import { inlineRunbook, startInline } from '../helpers/runbooks';
import { localEnv, uniqueQueue } from '../helpers/temporal';
import { allText } from '../helpers/all-text';

describe('secrets: secret:// references (real Temporal, real worker process)', function () {
  this.timeout(120_000);
  const TOKEN = `tok-${Math.random().toString(36).slice(2)}-e2e`;
  const FILE_SECRET = `file-${Math.random().toString(36).slice(2)}-e2e`;
  const PASSWORD = `pw-${Math.random().toString(36).slice(2)}-param`;
  let env: TestWorkflowEnvironment;
  let server: http.Server;
  let url: string;
  let worker: Spawned;
  let tmp: string;
  const received: string[] = [];
  const queue = uniqueQueue('secrets');
  let cli: Record<string, string>;

  before(async () => {
    env = await localEnv();
    // A target that echoes the credentials it got, in a header no name-based mask would catch, and in its body.
    server = http.createServer((req, res) => {
      received.push(`${req.headers.authorization} ${req.headers['x-api-key']}`);
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-echo', String(req.headers.authorization));
      res.end(JSON.stringify({ youSent: req.headers.authorization, key: req.headers['x-api-key'] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/echo`;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-secrets-it-'));
    const secretsFile = path.join(tmp, 'secrets.yaml');
    fs.writeFileSync(secretsFile, `partner_key: ${FILE_SECRET}\n`, { mode: 0o600 });
    cli = { TEMPORAL_ADDRESS: env.address, GENIE_TASK_QUEUE: queue, GENIE_STATE_DIR: tmp };
    // Only the worker knows the secrets; this test process never has them in its environment.
    worker = spawnGenie(['worker'], { ...cli, GENIE_SECRET_API_TOKEN: TOKEN, GENIE_SECRETS_FILE: secretsFile, GENIE_LOG_LEVEL: 'DEBUG' });
    await waitForOutput(worker, /worker polling/);
  });
  after(async () => {
    worker?.child.kill('SIGTERM');
    await worker?.exited;
    await new Promise((r) => server?.close(r));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the target gets the value; history, worker logs and CLI output only ever hold the reference or ***', async () => {
    assert.equal(process.env.GENIE_SECRET_API_TOKEN, undefined);
    const rb = inlineRunbook(
      [
        { id: 'call', action: 'http.request', with: { url, headers: { Authorization: 'Bearer secret://api_token', 'x-api-key': 'secret://partner_key' } } },
        { id: 'leak', action: 'util.fail', with: { message: 'upstream said: token secret://api_token rejected', nonRetryable: true }, onError: 'continue' },
        { id: 'missing', action: 'util.echo', with: { key: 'secret://no_such_secret' }, onError: 'continue' },
        { id: 'param', action: 'util.echo', with: { pw: '{% $params.password %}' } },
      ],
      {
        params: { password: { type: 'string', secret: true } },
        outputs: { echoed: '{% $steps.call.output.body.youSent %}', header: '{% $steps.call.output.headers."x-echo" %}' },
      },
    );
    const handle = await startInline(env, queue, rb, { params: { password: PASSWORD } });
    const result = await handle.result();

    assert.deepEqual(received, [`Bearer ${TOKEN} ${FILE_SECRET}`], 'the target did not receive the resolved values');
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
    // (http.request masks a whole echoed "Bearer …" credential in the body; the envelope masks the value anywhere else.)
    assert.deepEqual(result.outputs, { echoed: '***', header: 'Bearer ***' });
    const leak = result.steps.find((s) => s.id === 'leak')!;
    assert.equal(leak.error?.message, 'upstream said: token *** rejected');
    const missing = result.steps.find((s) => s.id === 'missing')!;
    assert.equal(missing.error?.code, 'SECRET_NOT_FOUND');
    assert.equal(missing.attempts, 1, 'an unknown secret is not retried');
    assert.match(
      missing.error!.message,
      /secret:\/\/no_such_secret is not known to any secrets provider \(consulted: environment \(GENIE_SECRET_<NAME>\); file .*secrets\.yaml\)/,
    );

    const { payloadCodecs } = env.client.options.loadedDataConverter;
    const decoded = allText(await decodeHistory((await handle.fetchHistory()).events ?? [], payloadCodecs));
    assert.ok(decoded.includes('Bearer secret://api_token'), 'the decoded history should hold the reference');
    assert.ok(decoded.includes('Bearer ***'), 'the decoded history should hold the masked echo');

    const status = await genie(['status', handle.workflowId], cli);
    const statusJson = await genie(['status', handle.workflowId, '--json'], cli);
    const history = await genie(['history', handle.workflowId], cli);
    const historyJson = await genie(['history', handle.workflowId, '--json'], cli);
    for (const r of [status, statusJson, history, historyJson]) assert.equal(r.code, 0, r.output);
    assert.match(historyJson.output, /Bearer secret:\/\/api_token/);
    assert.match(status.output, /SECRET_NOT_FOUND/);

    const places: Record<string, string> = {
      'decoded history': decoded,
      'worker logs': worker.output(),
      'genie status': status.output + statusJson.output,
      'genie history': history.output + historyJson.output,
    };
    assert.match(worker.output(), /upstream said: token \*\*\* rejected/, 'the worker should log the (masked) failure');
    for (const [where, text] of Object.entries(places)) {
      for (const value of [TOKEN, FILE_SECRET]) assert.ok(!text.includes(value), `a secret:// value is in the ${where}`);
    }
    for (const where of ['genie status', 'genie history']) assert.ok(!places[where].includes(PASSWORD), `the secret parameter is in ${where}`);
  });
});
