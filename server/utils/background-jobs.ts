/**
 * The server-side public API, auto-imported in apps that extend the layer:
 * `useBackgroundJobs()` gives the engine (start, list, abort, answer jobs from your own routes).
 */
import { useBackgroundJobsEngine } from '../lib/engine-instance'

export type { BackgroundJobsEngine } from '../lib/engine'

/** The engine of this server process (resolves once it has booted). */
export function useBackgroundJobs() {
  return useBackgroundJobsEngine()
}
