/**
 * The engine of this Nitro process: created once by the layer's plugin, awaited by routes.
 */
import type { BackgroundJobsEngine } from './engine'

let current: Promise<BackgroundJobsEngine> | null = null

/** Called by the plugin at boot. */
export function setBackgroundJobsEngine(engine: Promise<BackgroundJobsEngine> | null): void {
  current = engine
}

/** The engine (waits for it to be ready; throws if the layer's plugin did not run). */
export function useBackgroundJobsEngine(): Promise<BackgroundJobsEngine> {
  if (!current) return Promise.reject(new Error('nuxt-background-jobs: the engine is not running (is the layer enabled?)'))
  return current
}
