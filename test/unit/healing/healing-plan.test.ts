/** The self-healing ladder's decisions, cycle by cycle, with a hand-driven clock. */
import { strict as assert } from 'node:assert';
import { healingConfig, HealingConfigError } from '../../../src/healing/config';
import { backoffMs, plan, type PlanInput } from '../../../src/healing/plan';
import type { HealState, Observation, Plan } from '../../../src/healing/types';

const params = {
  checks: { web: { http: { url: 'http://127.0.0.1:1/health' }, period: '500ms', failureThreshold: 2 } },
  ladder: {
    restart: { process: { name: 'stable' }, maxAttempts: 2 },
    scale: {
      webhook: { url: 'http://127.0.0.1:1/scale', payload: { replicas: 3 } },
      maxAttempts: 1,
      rollback: { webhook: { url: 'http://127.0.0.1:1/scale', payload: { replicas: 1 } } },
    },
    escalate: { webhook: { url: 'http://127.0.0.1:1/page' } },
  },
  backoff: { initial: '10s', max: '5m', factor: 2, resetAfter: '1m' },
  limits: { maxAttemptsPerWindow: 10, window: '1h' },
};
const config = healingConfig(params);

function obs(outcome: Observation['outcome'], score = outcome === 'healthy' ? 1 : 0): Observation {
  return {
    mode: 'verify',
    outcome,
    score,
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:00:01.000Z',
    probes: 2,
    checks: [
      {
        name: 'web',
        verdict: outcome === 'healthy' ? 'passing' : 'failed',
        consecutiveFailures: 2,
        consecutiveSuccesses: 0,
        trend: [{ at: '2025-01-01T00:00:00.500Z', status: outcome === 'healthy' ? 'healthy' : 'unhealthy', ms: 3 }],
      },
    ],
  };
}

class Driver {
  state: HealState | null = null;
  last?: Plan;
  t = Date.parse('2025-01-01T00:00:00.000Z');
  step(o: Observation | null, acted: PlanInput['acted'] = {}, signals: PlanInput['signals'] = {}, c = config): Plan {
    this.t += 1000;
    const out = plan({ config: c, state: this.state, observation: o, acted, signals, now: new Date(this.t).toISOString() });
    this.state = out.state;
    this.last = out;
    return out;
  }
  ok(step: string) {
    return { [step]: { status: 'succeeded', output: {} } };
  }
}

describe('self-healing plan (pure ladder)', () => {
  it('backoff doubles from initial and is capped', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6].map((n) => backoffMs(config, n)),
      [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000],
    );
  });

  it('healthy: nothing to do, keep watching', () => {
    const d = new Driver();
    const p = d.step(obs('healthy'));
    assert.equal(p.action, 'none');
    assert.equal(p.observe, 'watch');
    assert.equal(p.state.phase, 'healthy');
  });

  it('walks the ladder with backoff between attempts, then escalates; history of attempts kept', () => {
    const d = new Driver();
    let p = d.step(obs('unhealthy'));
    assert.equal(p.action, 'recover');
    assert.equal(p.strategy, 'restart');
    assert.equal(p.step, 'do_process');
    assert.deepEqual(p.args, { name: 'stable' });
    p = d.step(obs('unhealthy'), d.ok('do_process'));
    assert.equal(p.action, 'none');
    assert.equal(p.waitMs, 10_000, 'first backoff');
    p = d.step(obs('unhealthy'));
    assert.equal(p.action, 'recover');
    assert.equal(p.strategy, 'restart', 'second attempt of restart');
    p = d.step(obs('unhealthy'), d.ok('do_process'));
    assert.equal(p.waitMs, 20_000, 'backoff doubled');
    p = d.step(obs('unhealthy'));
    assert.equal(p.strategy, 'scale', 'restart used up its maxAttempts: next rung');
    p = d.step(obs('unhealthy'), d.ok('do_webhook'));
    assert.equal(p.waitMs, 40_000);
    p = d.step(obs('unhealthy'));
    assert.equal(p.action, 'escalate');
    assert.equal(p.strategy, 'escalate');
    assert.equal(p.state.phase, 'escalated');
    p = d.step(obs('unhealthy'), d.ok('do_webhook'));
    assert.equal(p.action, 'none');
    assert.deepEqual(
      p.state.incident!.attempts.map((a) => `${a.kind}:${a.strategy}:${a.result}`),
      ['recover:restart:not-recovered', 'recover:restart:not-recovered', 'recover:scale:not-recovered', 'escalate:escalate:escalated'],
    );
    p = d.step(obs('healthy'));
    assert.equal(p.state.phase, 'healthy');
    assert.equal(p.state.closed[0].outcome, 'escalated');
  });

  it('a recovery that made the score worse is rolled back, and not tried again', () => {
    const d = new Driver();
    d.state = { ...plan({ config, state: null, observation: obs('healthy'), acted: {}, signals: {}, now: new Date(d.t).toISOString() }).state };
    let p = d.step(obs('unhealthy', 0.5));
    p = d.step(obs('unhealthy', 0.5), d.ok('do_process'));
    p = d.step(obs('unhealthy', 0.5));
    p = d.step(obs('unhealthy', 0.5), d.ok('do_process'));
    p = d.step(obs('unhealthy', 0.5));
    assert.equal(p.strategy, 'scale');
    p = d.step(obs('unhealthy', 0), d.ok('do_webhook'));
    assert.equal(p.action, 'rollback');
    assert.equal(p.step, 'do_webhook');
    assert.deepEqual(p.args, { url: 'http://127.0.0.1:1/scale', payload: { replicas: 1 }, headers: {} });
    p = d.step(obs('unhealthy', 0.5), d.ok('do_webhook'));
    assert.equal(p.action, 'none', 'backs off after the rollback');
    p = d.step(obs('unhealthy', 0.5));
    assert.equal(p.action, 'escalate', 'scale is not tried again');
    assert.ok(p.state.incident!.attempts.some((a) => a.result === 'worse'));
    assert.ok(p.state.incident!.attempts.some((a) => a.result === 'rolled-back'));
  });

  it('recovers, closes the incident with its MTTR, and resets the backoff after a healthy period', () => {
    const d = new Driver();
    d.step(obs('unhealthy'));
    d.step(obs('unhealthy'), d.ok('do_process'));
    assert.equal(d.state!.backoffLevel, 1);
    d.step(obs('unhealthy'));
    const p = d.step(obs('healthy'), d.ok('do_process'));
    assert.equal(p.action, 'none');
    assert.equal(p.state.phase, 'healthy');
    assert.equal(p.state.counters.recoveries, 1);
    assert.ok(p.state.closed[0].mttrMs > 0);
    assert.equal(p.state.backoffLevel, 1, 'not reset yet');
    d.t += 61_000;
    assert.equal(d.step(obs('healthy')).state.backoffLevel, 0);
  });

  it('skipStrategy leaves a rung out; unknown names are ignored with a note', () => {
    const d = new Driver();
    const p = d.step(
      obs('unhealthy'),
      {},
      {
        skipStrategy: [
          { at: '2025-01-01T00:00:00.100Z', by: 'alice', strategy: 'restart' },
          { at: '2025-01-01T00:00:00.200Z', by: 'bob', strategy: 'nope' },
        ],
      },
    );
    assert.equal(p.strategy, 'scale');
    assert.match(p.reason, /restart skipped by alice/);
    assert.match(p.reason, /"nope" by bob ignored/);
  });

  it('the per-window limit escalates early', () => {
    const tight = healingConfig({ ...params, limits: { maxAttemptsPerWindow: 1, window: '1h' } });
    const d = new Driver();
    assert.equal(d.step(obs('unhealthy'), {}, {}, tight).action, 'recover');
    d.step(obs('unhealthy'), d.ok('do_process'), {}, tight);
    const p = d.step(obs('unhealthy'), {}, {}, tight);
    assert.equal(p.action, 'escalate');
    assert.match(p.reason, /limit of 1/);
  });

  it('stopWhen settled stops once healthy', () => {
    const bounded = healingConfig({ ...params, stopWhen: 'settled' });
    const d = new Driver();
    assert.equal(d.step(obs('healthy'), {}, {}, bounded).action, 'stop');
  });

  it('configuration mistakes say where and what', () => {
    assert.throws(
      () => healingConfig({ ...params, checks: { web: { http: {}, tcp: {} } } }),
      (e: HealingConfigError) => /checks\.web: needs exactly one of http/.test(e.message),
    );
    assert.throws(() => healingConfig({ ...params, ladder: { restart: { webhook: { payload: {} } } } }), /ladder\.restart\.webhook\.url: is required/);
    assert.throws(() => healingConfig({ ...params, backoff: { initial: '1x' } }), /backoff\.initial: "1x" is not a duration/);
    assert.throws(
      () => healingConfig({ ...params, ladder: { escalate: { webhook: { url: 'x' }, rollback: { webhook: { url: 'y' } } } } }),
      /nothing to roll back/,
    );
  });
});
