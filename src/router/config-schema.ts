/**
 * The router config: what a YAML file or the admin API says. TypeBox gives the TypeScript
 * types and the JSON Schema ajv checks (src/router/config-validate.ts adds what a schema
 * cannot say: weights that sum to 100, pools that exist, durations that parse).
 *
 * ```yaml
 * pools:
 *   stable: { origins: [http://127.0.0.1:8081] }
 *   canary: { origins: [http://127.0.0.1:8082], faults: { delay: 100ms, errorPercent: 5 } }
 * routes:
 *   web:
 *     match: { pathPrefix: / }
 *     weights: { stable: 90, canary: 10 }
 *     sticky: { cookie: session }
 *     mirror: { pool: canary, percent: 10 }     # or pools: [canary, stable-2]
 * ```
 */
import { Type, type Static } from '@sinclair/typebox';

const DURATION_PATTERN = '^(\\d+(\\.\\d+)?(ms|s|m|h))+$';
const DurationText = Type.String({ pattern: DURATION_PATTERN, description: 'e.g. 250ms, 5s, 1m' });
const Percent = Type.Number({ minimum: 0, maximum: 100, description: 'percent, 0-100' });

/** Pool and route names: also label values and URL path segments of the admin API. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export const FaultsSchema = Type.Object(
  {
    delay: Type.Optional(Type.String({ pattern: DURATION_PATTERN, description: 'latency added before the request goes upstream' })),
    delayPercent: Type.Optional({ ...Percent, description: 'share of requests delayed (default 100 when delay is set)' }),
    abortPercent: Type.Optional({ ...Percent, description: 'share of requests whose client connection is reset (TCP RST)' }),
    errorPercent: Type.Optional({ ...Percent, description: 'share of requests answered with errorStatus without going upstream' }),
    errorStatus: Type.Optional(Type.Integer({ minimum: 400, maximum: 599, description: 'status of injected errors (default 503)' })),
  },
  { additionalProperties: false },
);

export const PoolSchema = Type.Object(
  {
    origins: Type.Array(Type.String({ minLength: 1, description: 'http://host:port' }), { minItems: 1, maxItems: 64 }),
    connections: Type.Optional(Type.Integer({ minimum: 1, maximum: 4096, description: 'keep-alive connections per origin (default 128)' })),
    faults: Type.Optional(FaultsSchema),
  },
  { additionalProperties: false },
);

export const MirrorSchema = Type.Object(
  {
    pool: Type.Optional(Type.String({ minLength: 1, description: 'the shadow pool (or give pools)' })),
    pools: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        maxItems: 8,
        uniqueItems: true,
        description: 'several shadow pools, each sent the same mirrored requests (e.g. the candidate and a second primary for noise cancellation)',
      }),
    ),
    percent: Percent,
    mutating: Type.Optional(Type.Boolean({ description: 'also mirror POST/PUT/PATCH/DELETE (default false)' })),
  },
  { additionalProperties: false },
);

export const StickySchema = Type.Object(
  {
    header: Type.Optional(Type.String({ minLength: 1, description: 'request header whose value keeps a client on one pool' })),
    cookie: Type.Optional(Type.String({ minLength: 1, description: 'cookie whose value keeps a client on one pool' })),
  },
  { additionalProperties: false },
);

export const RouteSchema = Type.Object(
  {
    match: Type.Optional(
      Type.Object(
        {
          host: Type.Optional(Type.String({ minLength: 1, description: 'Host header without port; *.example.com matches subdomains' })),
          pathPrefix: Type.Optional(Type.String({ pattern: '^/', description: 'path prefix by whole segments: /api matches /api and /api/x, not /apix' })),
        },
        { additionalProperties: false },
      ),
    ),
    weights: Type.Record(Type.String(), Percent, { minProperties: 1, description: 'pool → percent; the percents sum to 100' }),
    sticky: Type.Optional(StickySchema),
    timeout: Type.Optional({ ...DurationText, description: 'upstream timeout for response headers and between body chunks (→ 504)' }),
    mirror: Type.Optional(MirrorSchema),
  },
  { additionalProperties: false },
);

export const ShadowSchema = Type.Object(
  {
    capacity: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: 'pairs kept in the ring (default 200)' })),
    excerptBytes: Type.Optional(Type.Integer({ minimum: 0, maximum: 65_536, description: 'bytes of each body kept in a pair (default 4096)' })),
    maxBodyBytes: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 16 * 1024 * 1024,
        description: 'largest request body buffered to mirror (default 1 MiB); bigger ones are not mirrored',
      }),
    ),
    maxInFlight: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100_000, description: 'mirrored requests outstanding at once (default 512); beyond it mirrors are dropped' }),
    ),
  },
  { additionalProperties: false },
);

export const RouterConfigSchema = Type.Object(
  {
    pools: Type.Record(Type.String(), PoolSchema, { minProperties: 1 }),
    routes: Type.Record(Type.String(), RouteSchema, { minProperties: 1 }),
    defaults: Type.Optional(
      Type.Object(
        {
          timeout: Type.Optional({ ...DurationText, description: 'upstream timeout of routes without their own (default 30s)' }),
          connectTimeout: Type.Optional({ ...DurationText, description: 'TCP connect timeout (default 5s) → 502' }),
        },
        { additionalProperties: false },
      ),
    ),
    shadow: Type.Optional(ShadowSchema),
  },
  { additionalProperties: false },
);

export type RouterConfig = Static<typeof RouterConfigSchema>;
export type PoolConfig = Static<typeof PoolSchema>;
export type RouteConfig = Static<typeof RouteSchema>;
export type MirrorConfig = Static<typeof MirrorSchema>;
export type FaultsConfig = Static<typeof FaultsSchema>;
export type StickyConfig = Static<typeof StickySchema>;

export const DEFAULTS = {
  timeoutMs: 30_000,
  connectTimeoutMs: 5_000,
  connections: 128,
  errorStatus: 503,
  shadowCapacity: 200,
  excerptBytes: 4096,
  maxMirrorBodyBytes: 1024 * 1024,
  maxMirrorsInFlight: 512,
} as const;
