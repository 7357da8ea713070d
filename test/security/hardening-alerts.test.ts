/**
 * Issue 12 §8: an alert intake without a token lets anyone who reaches it resolve any known
 * alert group, so beyond loopback it must refuse to start, clearly, before listening.
 */
import { strict as assert } from 'node:assert';
import { Client, Connection } from '@temporalio/client';
import { startAlertServer } from '../../src/alerts/server';
import { genieInProcess } from '../helpers/cli';

describe('security: alert intake exposure (issue 12 §8)', function () {
  this.timeout(60_000);

  it('startAlertServer on 0.0.0.0 without a token refuses, naming GENIE_ALERTS_TOKEN', async () => {
    // Never contacted: the refusal comes before anything listens or talks to Temporal.
    const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    await assert.rejects(
      startAlertServer({ client, taskQueue: 'unused', host: '0.0.0.0', port: 0 }),
      /refusing to listen on 0\.0\.0\.0 without a token.*GENIE_ALERTS_TOKEN/,
    );
  });

  it('genie alerts --host 0.0.0.0 without GENIE_ALERTS_TOKEN exits non-zero with the fix', async () => {
    const { code, output } = await genieInProcess(['alerts', '--host', '0.0.0.0', '--port', '0'], { GENIE_ALERTS_TOKEN: '', TEMPORAL_ADDRESS: '127.0.0.1:1' });
    assert.notEqual(code, 0, output);
    assert.match(output, /refusing to listen on 0\.0\.0\.0 without a token/);
    assert.match(output, /GENIE_ALERTS_TOKEN/);
  });

  it('with a token the intake on 0.0.0.0 starts and says the token is required', async () => {
    const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const lines: string[] = [];
    const server = await startAlertServer({ client, taskQueue: 'unused', host: '0.0.0.0', port: 0, token: 't0ken', log: (l) => lines.push(l) });
    try {
      assert.ok(
        lines.some((l) => /bearer token required/.test(l)),
        lines.join('\n'),
      );
      const res = await fetch(server.url, { method: 'POST', body: '{}' });
      assert.equal(res.status, 401);
    } finally {
      await server.close();
    }
  });
});
