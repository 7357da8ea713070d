/** GENIE_BREAKER_* variables, option checks, and breaker names. */
import { strict as assert } from 'node:assert';
import { BreakerConfigError, BreakerNameError } from '../../../src/resilience/errors';
import { BREAKER_ENV, breakerSettingsFromEnv } from '../../../src/resilience/env';
import { normalizeBreakerName } from '../../../src/resilience/names';
import { DEFAULT_BREAKER_OPTIONS, resolveOptions } from '../../../src/resilience/options';
import { BREAKER_NAME_PATTERN } from '../../../workflows/breakers-api';

describe('resilience: configuration', () => {
  it('defaults without any variable', () => {
    const s = breakerSettingsFromEnv({});
    assert.deepEqual(s.options, DEFAULT_BREAKER_OPTIONS);
    assert.deepEqual(
      { enabled: s.enabled, loadSampleMs: s.loadSampleMs, syncIntervalMs: s.syncIntervalMs, syncWaitMs: s.syncWaitMs },
      { enabled: true, loadSampleMs: 1000, syncIntervalMs: 250, syncWaitMs: 3000 },
    );
  });

  it('reads every variable', () => {
    const s = breakerSettingsFromEnv({
      GENIE_BREAKER: 'off',
      GENIE_BREAKER_WINDOW: 'time:2m',
      GENIE_BREAKER_MIN_CALLS: '10',
      GENIE_BREAKER_FAILURE_RATE: '25',
      GENIE_BREAKER_SLOW_CALL_RATE: '80',
      GENIE_BREAKER_SLOW_CALL: '2s',
      GENIE_BREAKER_HALF_OPEN_CALLS: '3',
      GENIE_BREAKER_OPEN: '10s',
      GENIE_BREAKER_OPEN_BACKOFF: '3',
      GENIE_BREAKER_OPEN_MAX: '10m',
      GENIE_BREAKER_ADAPTIVE: '0',
      GENIE_BREAKER_LOAD_SAMPLE: '500ms',
      GENIE_BREAKER_SYNC: '100ms',
      GENIE_BREAKER_SYNC_WAIT: '1s',
    });
    assert.equal(s.enabled, false);
    assert.deepEqual(s.options, {
      window: { type: 'time', size: 120 },
      minimumCalls: 10,
      failureRateThreshold: 0.25,
      slowCallRateThreshold: 0.8,
      slowCallDurationMs: 2000,
      halfOpenCalls: 3,
      openDurationMs: 10_000,
      openBackoffMultiplier: 3,
      maxOpenDurationMs: 600_000,
      adaptiveTightening: 0,
    });
    assert.deepEqual([s.loadSampleMs, s.syncIntervalMs, s.syncWaitMs], [500, 100, 1000]);
    assert.deepEqual(breakerSettingsFromEnv({ GENIE_BREAKER_WINDOW: 'count:50' }).options.window, { type: 'count', size: 50 });
  });

  it('names the variable and the rule when a value is bad', () => {
    const bad: [string, string, RegExp][] = [
      ['GENIE_BREAKER_WINDOW', 'sliding', /GENIE_BREAKER_WINDOW=sliding is not valid: write count:N/],
      ['GENIE_BREAKER_FAILURE_RATE', '150', /GENIE_BREAKER_FAILURE_RATE=150 .*from 1 to 100/],
      ['GENIE_BREAKER_OPEN', 'soon', /GENIE_BREAKER_OPEN=soon .*duration/],
      ['GENIE_BREAKER_HALF_OPEN_CALLS', '1.5', /whole number/],
      ['GENIE_BREAKER', 'maybe', /on or off/],
      ['GENIE_BREAKER_MIN_CALLS', '50', /minimumCalls must be at most the window size \(20\)/],
    ];
    for (const [name, value, message] of bad) {
      assert.throws(
        () => breakerSettingsFromEnv({ [name]: value }),
        (e: unknown) => e instanceof BreakerConfigError && e.code === 'BREAKER_CONFIG' && message.test(e.message),
        `${name}=${value}`,
      );
    }
  });

  it('documents every variable with a default and a meaning', () => {
    for (const [name, [fallback, meaning]] of Object.entries(BREAKER_ENV)) {
      assert.match(name, /^GENIE_BREAKER/);
      assert.ok(fallback && meaning.length > 10, name);
    }
  });

  it('checks options', () => {
    assert.throws(() => resolveOptions({ failureRateThreshold: 0 }), /failureRateThreshold must be a fraction in \(0, 1\]/);
    assert.throws(() => resolveOptions({ maxOpenDurationMs: 10, openDurationMs: 100 }), /maxOpenDurationMs/);
    assert.throws(() => resolveOptions({ adaptiveTightening: 1 }), /at most 0.9|from 0 to 0.9/);
    assert.throws(() => resolveOptions({ window: { type: 'time', size: 0 } }), /window.size/);
    assert.equal(resolveOptions({ window: { type: 'time', size: 60 }, minimumCalls: 500 }).minimumCalls, 500, 'a time window holds any number of calls');
  });

  it('reduces URLs to their origin, keeps simple names, and refuses a host without a scheme', () => {
    assert.equal(normalizeBreakerName('https://API.Example.com:443/v1/users?q=1'), 'https://api.example.com');
    assert.equal(normalizeBreakerName('http://10.0.0.5:8080/health'), 'http://10.0.0.5:8080');
    assert.equal(normalizeBreakerName('Router-Admin'), 'router-admin');
    assert.throws(
      () => normalizeBreakerName('api.example.com'),
      (e: unknown) => e instanceof BreakerNameError && /https:\/\/api\.example\.com/.test(e.message),
    );
    assert.throws(() => normalizeBreakerName('ftp://files.example.com'), /use http: or https:/);
    assert.throws(() => normalizeBreakerName('two words'), BreakerNameError);
    for (const name of ['https://api.example.com', 'http://[::1]:8080', 'router-admin']) assert.match(name, BREAKER_NAME_PATTERN);
    assert.equal(normalizeBreakerName('http://[::1]:8080/x'), 'http://[::1]:8080');
  });
});
