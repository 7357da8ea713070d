/** Reading the tracing settings from the environment, and naming runbook and step for spans. */
import { strict as assert } from 'node:assert';
import { runbookNameOf, stepIdOf } from '../../../src/telemetry/attributes';
import { TracingConfigError, tracingSettings } from '../../../src/telemetry/config';

describe('telemetry: settings from the environment', () => {
  it('is off when nothing is set, and for every spelling of off', () => {
    assert.equal(tracingSettings({}), undefined);
    for (const off of ['', 'off', 'OFF', 'none', '0', 'false', 'no']) assert.equal(tracingSettings({ GENIE_TRACE: off }), undefined, off);
  });

  it('reads console, otlp and both', () => {
    assert.deepEqual(tracingSettings({ GENIE_TRACE: 'console' }), { exporters: ['console'] });
    assert.deepEqual(tracingSettings({ GENIE_TRACE: 'otlp' }), { exporters: ['otlp'] });
    assert.deepEqual(tracingSettings({ GENIE_TRACE: ' Console , otlp ' }), { exporters: ['console', 'otlp'] });
  });

  it('turns OTLP on when an endpoint is set, unless tracing is explicitly off or the SDK disabled', () => {
    assert.deepEqual(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' }), { exporters: ['otlp'] });
    assert.deepEqual(tracingSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://jaeger:4318/v1/traces' }), { exporters: ['otlp'] });
    assert.deepEqual(tracingSettings({ GENIE_TRACE: 'console', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' }), { exporters: ['console', 'otlp'] });
    assert.equal(tracingSettings({ GENIE_TRACE: 'off', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' }), undefined);
    assert.equal(tracingSettings({ OTEL_SDK_DISABLED: 'true', GENIE_TRACE: 'console' }), undefined);
  });

  it('takes the service name from OTEL_SERVICE_NAME', () => {
    assert.deepEqual(tracingSettings({ GENIE_TRACE: 'console', OTEL_SERVICE_NAME: 'edge-worker' }), { exporters: ['console'], serviceName: 'edge-worker' });
  });

  it('rejects what it cannot read, saying which variable and what to write', () => {
    assert.throws(() => tracingSettings({ GENIE_TRACE: 'zipkin' }), (e: unknown) => e instanceof TracingConfigError && e.code === 'TRACING_CONFIG' && /GENIE_TRACE=zipkin: unknown exporter "zipkin"/.test(e.message));
    assert.throws(() => tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger:4318' }), /OTEL_EXPORTER_OTLP_ENDPOINT=jaeger:4318 is not an http\(s\) URL; write e\.g\. http:\/\/jaeger:4318/);
  });
});

describe('telemetry: runbook and step names for spans', () => {
  it('finds the runbook name in every input shape', () => {
    assert.equal(runbookNameOf({ runbook: 'hello' }), 'hello');
    assert.equal(runbookNameOf({ runbook: { metadata: { name: 'inline' } } }), 'inline');
    assert.equal(runbookNameOf({ runbook: 'ignored', continued: { loaded: { resolved: { definition: { metadata: { name: 'pinned' } } } } } }), 'pinned');
    assert.equal(runbookNameOf(undefined), undefined);
    assert.equal(runbookNameOf({ runbook: 42 }), undefined);
  });

  it('reads the step path from an activity summary', () => {
    assert.equal(stepIdOf('call: GET the orders page'), 'call');
    assert.equal(stepIdOf('hosts[2].probe: http.request'), 'hosts[2].probe');
    assert.equal(stepIdOf('no separator'), undefined);
    assert.equal(stepIdOf(undefined), undefined);
  });
});
