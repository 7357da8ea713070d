/**
 * The versioned config. Every change is compare-and-set: the caller may name the version it
 * read, and a change against any other version is refused (409) rather than silently
 * overwriting someone else's. A change is checked and compiled in full before the one
 * reference swap that publishes it; requests in flight keep the version they started with,
 * so nothing is dropped or half-applied. A refused change leaves everything as it was.
 */
import { compileConfig, type CompiledConfig } from './compiled-config';
import type { RouterConfig } from './config-schema';
import { checkRouterConfig } from './config-validate';
import { VersionConflictError } from './errors';
import type { MetricsRegistry } from './metrics';
import type { ShadowRing } from './shadow-ring';
import type { UpstreamRegistry } from './upstreams';

export interface ConfigChange {
  previous: CompiledConfig;
  current: CompiledConfig;
}

export class ConfigStore {
  private compiled: CompiledConfig;

  constructor(
    initial: RouterConfig,
    private readonly upstreams: UpstreamRegistry,
    private readonly metrics: MetricsRegistry,
    private readonly ring: ShadowRing,
  ) {
    this.compiled = compileConfig(checkRouterConfig(initial), 1, upstreams, metrics);
    ring.resize(this.compiled.shadow.capacity);
  }

  /** The version requests use now. Read it once per request. */
  get current(): CompiledConfig {
    return this.compiled;
  }

  get version(): number {
    return this.compiled.version;
  }

  /** Replaces the whole config. `expectVersion` undefined means unconditional. */
  replace(config: unknown, expectVersion?: number): ConfigChange {
    this.checkVersion(expectVersion);
    return this.publish(checkRouterConfig(config));
  }

  /**
   * Edits a copy of the current config (`edit` may throw to refuse, e.g. NotFoundError),
   * checks the result, and publishes it: one atomic step, since nothing here awaits.
   */
  edit(expectVersion: number | undefined, edit: (draft: RouterConfig) => void): ConfigChange {
    this.checkVersion(expectVersion);
    const draft = structuredClone(this.compiled.source) as RouterConfig;
    edit(draft);
    return this.publish(checkRouterConfig(draft));
  }

  private checkVersion(expectVersion: number | undefined): void {
    if (expectVersion !== undefined && expectVersion !== this.compiled.version) throw new VersionConflictError(expectVersion, this.compiled.version);
  }

  private publish(config: RouterConfig): ConfigChange {
    const previous = this.compiled;
    const current = compileConfig(config, previous.version + 1, this.upstreams, this.metrics);
    this.compiled = current;
    this.upstreams.retainOnly(current.upstreamKeys);
    this.ring.resize(current.shadow.capacity);
    return { previous, current };
  }
}
