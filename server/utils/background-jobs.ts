/**
 * The server-side public API, auto-imported in apps that extend the layer:
 * `useBackgroundJobsEngine()` gives the engine (start, list, abort, answer jobs from your own routes).
 */
import { useBackgroundJobsEngine as engineOfThisProcess } from '../lib/engine-instance'
import type { BackgroundJobsEngine } from '../lib/engine'

export type { BackgroundJobsEngine } from '../lib/engine'
export type { CreateJobInput } from '../lib/engine-types'

/**
 * The engine of this server process (resolves once it has booted). Its calls are scoped to the
 * user id you pass: `createJob(userId, { request: { type: 'chat', messages }, threadId? })`,
 * `getJob`, `listJobs` (`listJobPage` for a page and its `next`), `abortJob`, `answerInput` (docs/hooks.md).
 */
export function useBackgroundJobsEngine(): Promise<BackgroundJobsEngine> {
  return engineOfThisProcess()
}

/**
 * @deprecated Use `useBackgroundJobsEngine()`. This server helper shares its name with the client
 * composable `useBackgroundJobs()`, and `nuxt typecheck` checks your server routes with the app's
 * declarations too (for typed `$fetch`), where the name means the composable: a route calling it
 * failed to type-check (`Property 'createJob' does not exist`).
 */
export function useBackgroundJobs(): Promise<BackgroundJobsEngine> {
  return engineOfThisProcess()
}
