/**
 * The engine of this Nitro process: started once by the layer's plugin (engine-startup.ts: tried
 * again while the job store cannot be reached), awaited by routes.
 */
import type { BackgroundJobsConfig } from './config'
import type { BackgroundJobsEngine } from './engine'
import type { StartupPeek } from './engine-startup'

/** Where routes get the engine from. */
export interface EngineSource {
  /** The engine; a 503 (`ProviderUnavailableError`) while its store cannot be reached yet. */
  get(): Promise<BackgroundJobsEngine>
  /** Stops a start that has not succeeded (the server shuts down first): nothing starts after it. */
  stop?(): void
  /** The settings, known before the engine has started (CORS answers a boot-time store outage too). */
  config?(): BackgroundJobsConfig
  /** Where the start is, without waiting for it (the health route: health.ts). */
  peek?(): StartupPeek<BackgroundJobsEngine>
}

let current: EngineSource | null = null

/** Called by the plugin at boot (and with null when the server closes). */
export function setBackgroundJobsEngine(source: EngineSource | null): void {
  current = source
}

/**
 * Called on a shutdown signal: a start that has not succeeded (its job store never answered, or
 * has not yet) is not waited for nor tried again, so no engine starts — taking jobs, taking other
 * instances' over — on a process that is going away. Requests get the shutdown's 503 from then on.
 * A started engine is left for the caller to dispose.
 */
export function stopEngineStart(): void {
  current?.stop?.()
}

/** The settings of the engine, also while its start waits for the job store; null without the layer's plugin. */
export function backgroundJobsConfig(): BackgroundJobsConfig | null {
  return current?.config?.() ?? null
}

/**
 * Where the engine's start is, asked without waiting (a health probe must not wait out a store's
 * connect timeout): `starting` too before the layer's plugin has set it, or with a source that cannot say.
 */
export function peekBackgroundJobsEngine(): StartupPeek<BackgroundJobsEngine> {
  return current?.peek?.() ?? { phase: 'starting', value: null }
}

/** The engine (waits for it to be ready; throws if the layer's plugin did not run). */
export function useBackgroundJobsEngine(): Promise<BackgroundJobsEngine> {
  if (current) return current.get()
  // Nitro runs the plugins in one synchronous loop, an app's before the layer's: an app plugin
  // that asks at startup (to `register` a tool) asked before the engine was set. Look again once
  // that loop has ended.
  return Promise.resolve().then(() => {
    if (!current) throw new Error('nuxt-background-jobs: the engine is not running (is the layer enabled?)')
    return current.get()
  })
}
