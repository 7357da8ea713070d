/** genie demo-service: the sample HTTP service (src/demo/) canary and shadow runbooks are tried on. */
import { BehaviorError, DISTRIBUTIONS, parseDistribution, parseLatency, parseRate, parseStatus } from '../../demo/behavior';
import { startDemoService } from '../../demo/service';
import type { Command } from '../command';
import { EXIT, type Output, UsageError } from '../output';
import { portOption } from '../port-option';
import { untilSignal } from '../until-signal';

export const command: Command = {
  name: 'demo-service',
  summary: 'Run a sample HTTP service with a set version, error rate and latency (for canary, chaos and shadow demos).',
  usage:
    'genie demo-service --name N --version V --port P [--error-rate 0.2] [--error-status 500] [--latency 20ms] [--latency-jitter 10ms] [--latency-distribution uniform|normal|exponential] [--field key=value ...] [--host H]',
  details: [
    '  Every path answers JSON {service, version, method, path, bodyBytes, requestId, timestamp} after the sampled latency;',
    '  --error-rate of them answer --error-status instead. GET /health is always 200.',
    `  Change behaviour at run time: curl -X PUT localhost:P/_demo/behavior -d '{"errorRate":0.2,"latency":"50ms"}'`,
    `  (--latency-distribution: ${DISTRIBUTIONS.join(', ')}; jitter is ± range, standard deviation, or mean tail respectively.)`,
    '  With GENIE_DEMO_TOKEN set, /_demo/ requires Authorization: Bearer <token>.',
    '  --field key=value (repeatable) adds a field to every answer (value parsed as JSON, else a string): a shadow with',
    '  --field price=12 against a primary without it differs in exactly that field.',
  ],
  options: {
    name: { type: 'string', help: 'the service name it answers with (required)' },
    version: { type: 'string', help: 'the version it answers with (required)' },
    port: { type: 'string', help: 'port to listen on (default: any free port)' },
    host: { type: 'string', help: 'address to listen on (default 127.0.0.1)' },
    'error-rate': { type: 'string', help: 'share of requests that fail, 0 to 1' },
    'error-status': { type: 'string', help: 'the HTTP status of a failed request (default 500)' },
    latency: { type: 'string', help: 'time before each answer (e.g. 20ms)' },
    'latency-jitter': { type: 'string', help: 'spread of the latency (e.g. 10ms)' },
    'latency-distribution': { type: 'string', help: 'uniform, normal or exponential' },
    field: { type: 'string', multiple: true, help: 'key=value added to every answer; repeat for more' },
  },
  async run(values, _positionals, out) {
    const name = values.name as string | undefined;
    const version = values.version as string | undefined;
    if (!name || !version) throw new UsageError('--name and --version are required, e.g. --name stable --version 1.0.0');
    const port = portOption(values.port, '--port', 0);
    let behavior;
    try {
      behavior = {
        ...(values['error-rate'] !== undefined ? { errorRate: parseRate(values['error-rate'], '--error-rate') } : {}),
        ...(values['error-status'] !== undefined ? { errorStatus: parseStatus(values['error-status']) } : {}),
        ...(values.latency !== undefined ? { latencyMs: parseLatency(values.latency, '--latency') } : {}),
        ...(values['latency-jitter'] !== undefined ? { jitterMs: parseLatency(values['latency-jitter'], '--latency-jitter') } : {}),
        ...(values['latency-distribution'] !== undefined ? { distribution: parseDistribution(values['latency-distribution']) } : {}),
      };
    } catch (error) {
      if (error instanceof BehaviorError) throw new UsageError(error.message);
      throw error;
    }
    const host = values.host as string | undefined;
    const fields = parseFields((values.field as string[] | undefined) ?? []);
    const service = await startDemoService({
      name,
      version,
      port,
      behavior,
      fields,
      ...(host ? { host } : {}),
      ...(process.env.GENIE_DEMO_TOKEN ? { adminToken: process.env.GENIE_DEMO_TOKEN } : {}),
    });
    const b = service.behavior();
    out.print(
      `demo-service ${name} ${version} listening on ${service.url} (error rate ${b.errorRate}, latency ${b.latencyMs}ms ±${b.jitterMs}ms ${b.distribution})`,
    );
    await untilSignal();
    await service.close();
    return EXIT.ok;
  },
};

/** `key=value` pairs → fields; the value is JSON when it parses (12, true, {"a":1}), else the text. */
export function parseFields(list: string[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--field ${JSON.stringify(item)}: write key=value, e.g. --field price=12`);
    const text = item.slice(eq + 1);
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      // plain text
    }
    fields[item.slice(0, eq)] = value;
  }
  return fields;
}
