/** The activity envelope resolves secret:// just before the action runs and masks the values in what comes back. */
import { strict as assert } from 'node:assert';
import { ApplicationFailure } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { withAttempt } from '../../../activities/envelope';

/** Collects what the SDK's activity logger writes (it reports every failed activity with its error). */
function capturingEnv(lines: string[]): MockActivityEnvironment {
  const log = (level: string) => (message: string, meta?: Record<string, unknown>) =>
    void lines.push(
      `${level} ${message} ${JSON.stringify(meta, (_k, v) => (v instanceof Error ? { message: v.message, details: (v as { details?: unknown }).details } : typeof v === 'bigint' ? String(v) : v))}`,
    );
  return new MockActivityEnvironment(undefined, {
    logger: {
      log: (level: string, message: string, meta?: Record<string, unknown>) => log(level)(message, meta),
      trace: log('TRACE'),
      debug: log('DEBUG'),
      info: log('INFO'),
      warn: log('WARN'),
      error: log('ERROR'),
    },
  });
}

describe('secrets: the activity envelope', () => {
  const VALUE = 'envelope-secret-9f3c';
  before(() => {
    process.env.GENIE_SECRET_ENVELOPE_TEST = VALUE;
  });
  after(() => {
    delete process.env.GENIE_SECRET_ENVELOPE_TEST;
  });

  it('the action sees the value; its result carries only ***', async () => {
    let seen: unknown;
    const action = withAttempt(async (args: { auth: string }) => {
      seen = args.auth;
      return { echoed: args.auth, nested: [{ raw: VALUE }] };
    });
    const envelope = (await new MockActivityEnvironment().run(action, { auth: 'Bearer secret://envelope_test' }, { literalSecretPaths: [['auth']] })) as {
      output: unknown;
    };
    assert.equal(seen, `Bearer ${VALUE}`);
    assert.deepEqual(envelope.output, { echoed: 'Bearer ***', nested: [{ raw: '***' }] });
  });

  it('failure messages and details are masked, in what is thrown and in the activity logs', async () => {
    const logs: string[] = [];
    const action = withAttempt(async (args: { t: string }) => {
      throw ApplicationFailure.create({ message: `server said ${args.t}`, type: 'X', details: [{ body: `echo ${args.t}` }] });
    });
    await assert.rejects(capturingEnv(logs).run(action, { t: 'secret://envelope_test' }, { literalSecretPaths: [['t']] }), (e: unknown) => {
      assert.ok(e instanceof ApplicationFailure);
      assert.equal(e.message, 'server said ***');
      assert.deepEqual(e.details, [{ attempt: 1, details: { body: 'echo ***' } }]);
      return true;
    });
    const plain = withAttempt(async (args: { t: string }) => {
      throw new Error(`boom ${args.t}`);
    });
    await assert.rejects(capturingEnv(logs).run(plain, { t: 'secret://envelope_test' }, { literalSecretPaths: [['t']] }), /boom \*\*\*/);
    assert.ok(
      logs.some((l) => l.includes('Activity failed') && l.includes('server said ***')),
      logs.join('\n'),
    );
    assert.ok(!logs.join('\n').includes(VALUE), 'the secret value reached the activity log');
  });

  it('an unknown secret fails non-retryably before the action runs', async () => {
    let ran = false;
    const action = withAttempt(async () => {
      ran = true;
    });
    await assert.rejects(capturingEnv([]).run(action, { t: 'secret://no_such_secret_here' }, { literalSecretPaths: [['t']] }), (e: unknown) => {
      assert.ok(e instanceof ApplicationFailure);
      assert.equal(e.type, 'SECRET_NOT_FOUND');
      assert.equal(e.nonRetryable, true);
      assert.match(e.message, /secret:\/\/no_such_secret_here is not known.*consulted: environment/);
      return true;
    });
    assert.equal(ran, false);
  });

  it('resolves only at the paths the workflow vouches for; other references are passed on as written', async () => {
    let seen: unknown;
    const action = withAttempt(async (args: unknown) => {
      seen = args;
    });
    await new MockActivityEnvironment().run(
      action,
      { lit: 'secret://envelope_test', fromParam: 'https://x/?k=secret://envelope_test' },
      { literalSecretPaths: [['lit']] },
    );
    assert.deepEqual(seen, { lit: VALUE, fromParam: 'https://x/?k=secret://envelope_test' });
    await new MockActivityEnvironment().run(action, { lit: 'secret://envelope_test' });
    assert.deepEqual(seen, { lit: 'secret://envelope_test' }, 'without provenance nothing is resolved');
    const never = withAttempt(
      async (args: unknown) => {
        seen = args;
      },
      { resolveSecrets: false },
    );
    await new MockActivityEnvironment().run(never, { reason: 'secret://envelope_test' }, { literalSecretPaths: [['reason']] });
    assert.deepEqual(seen, { reason: 'secret://envelope_test' });
  });
});
