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

  it('reads OTEL_RESOURCE_ATTRIBUTES (percent-decoded), whose service.name yields to OTEL_SERVICE_NAME', () => {
    assert.deepEqual(
      tracingSettings({ GENIE_TRACE: 'console', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod, service.version="1.4.2",team=sre%2Con-call,' }),
      {
        exporters: ['console'],
        resourceAttributes: { 'deployment.environment': 'prod', 'service.version': '1.4.2', team: 'sre,on-call' },
      },
    );
    assert.equal(tracingSettings({ GENIE_TRACE: 'console', OTEL_RESOURCE_ATTRIBUTES: 'service.name=edge' })?.serviceName, 'edge');
    assert.equal(tracingSettings({ GENIE_TRACE: 'console', OTEL_RESOURCE_ATTRIBUTES: 'service.name=edge', OTEL_SERVICE_NAME: 'core' })?.serviceName, 'core');
    assert.throws(
      () => tracingSettings({ GENIE_TRACE: 'console', OTEL_RESOURCE_ATTRIBUTES: 'region=eu,oops' }),
      (e: unknown) => e instanceof TracingConfigError && /OTEL_RESOURCE_ATTRIBUTES: "oops" is not key=value/.test(e.message),
    );
    assert.throws(() => tracingSettings({ GENIE_TRACE: 'console', OTEL_RESOURCE_ATTRIBUTES: 'team=100%' }), /the value of team is not valid percent-encoding/);
  });

  it('reads OTEL_PROPAGATORS: tracecontext, baggage, both, or none; refuses the ones Genie lacks', () => {
    assert.equal(tracingSettings({ GENIE_TRACE: 'console' })?.propagators, undefined);
    assert.deepEqual(tracingSettings({ GENIE_TRACE: 'console', OTEL_PROPAGATORS: 'tracecontext, Baggage,tracecontext' })?.propagators, [
      'tracecontext',
      'baggage',
    ]);
    assert.deepEqual(tracingSettings({ GENIE_TRACE: 'console', OTEL_PROPAGATORS: 'none' })?.propagators, []);
    assert.throws(
      () => tracingSettings({ GENIE_TRACE: 'console', OTEL_PROPAGATORS: 'tracecontext,b3' }),
      (e: unknown) => e instanceof TracingConfigError && /"b3" is not available in Genie; use tracecontext, baggage/.test(e.message),
    );
    assert.throws(() => tracingSettings({ GENIE_TRACE: 'console', OTEL_PROPAGATORS: 'w3c' }), /"w3c" is not a propagator/);
    assert.throws(() => tracingSettings({ GENIE_TRACE: 'console', OTEL_PROPAGATORS: 'none,baggage' }), /"none" cannot be combined/);
  });

  it('reads OTEL_TRACES_SAMPLER and the ratio in OTEL_TRACES_SAMPLER_ARG (1 when unset)', () => {
    assert.equal(tracingSettings({ GENIE_TRACE: 'console' })?.sampler, undefined);
    assert.deepEqual(tracingSettings({ GENIE_TRACE: 'console', OTEL_TRACES_SAMPLER: 'Always_Off' })?.sampler, { name: 'always_off' });
    assert.deepEqual(tracingSettings({ GENIE_TRACE: 'console', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' })?.sampler, {
      name: 'parentbased_traceidratio',
      ratio: 0.25,
    });
    assert.deepEqual(tracingSettings({ GENIE_TRACE: 'console', OTEL_TRACES_SAMPLER: 'traceidratio' })?.sampler, { name: 'traceidratio', ratio: 1 });
    // The argument means nothing to the other samplers, as in the spec.
    assert.deepEqual(tracingSettings({ GENIE_TRACE: 'console', OTEL_TRACES_SAMPLER: 'always_on', OTEL_TRACES_SAMPLER_ARG: 'x' })?.sampler, {
      name: 'always_on',
    });
    assert.throws(
      () => tracingSettings({ GENIE_TRACE: 'console', OTEL_TRACES_SAMPLER: 'jaeger_remote' }),
      (e: unknown) => e instanceof TracingConfigError && /OTEL_TRACES_SAMPLER=jaeger_remote: not a sampler Genie has/.test(e.message),
    );
    for (const bad of ['1.5', '-0.1', 'half']) {
      assert.throws(
        () => tracingSettings({ GENIE_TRACE: 'console', OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: bad }),
        new RegExp(`OTEL_TRACES_SAMPLER_ARG=${bad}: traceidratio needs the fraction of traces to keep`),
        bad,
      );
    }
  });

  it('rejects what it cannot read, saying which variable and what to write', () => {
    assert.throws(
      () => tracingSettings({ GENIE_TRACE: 'zipkin' }),
      (e: unknown) => e instanceof TracingConfigError && e.code === 'TRACING_CONFIG' && /GENIE_TRACE=zipkin: unknown exporter "zipkin"/.test(e.message),
    );
    assert.throws(
      () => tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger:4318' }),
      /OTEL_EXPORTER_OTLP_ENDPOINT=jaeger:4318 is not an http\(s\) URL; write e\.g\. http:\/\/jaeger:4318/,
    );
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
