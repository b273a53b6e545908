/**
 * The Nitro runtime hooks the layer calls, typed for apps (documented in docs/hooks.md).
 */
import type { H3Event } from 'h3'
import type { JobState } from '../../shared/reducer'
import type { ModelRequest } from './model/types'
import type { JobRecord } from './providers/types'

/** The hooks, by name. */
export interface BackgroundJobsHooks {
  /** Set `context.userId` to your app's user id (from your session); leave it null for anonymous. */
  'background-jobs:resolve-user': (context: { event: H3Event, userId: string | null }) => void | Promise<void>
  'background-jobs:job-created': (context: { job: JobRecord }) => void | Promise<void>
  /** With the final state: store the answer in your own database here. */
  'background-jobs:job-ended': (context: { job: JobRecord, state: JobState }) => void | Promise<void>
  /** Adjust the upstream request per job and round: `request.headers`, `request.model`, `request.body`. */
  'background-jobs:upstream-request': (context: { job: JobRecord, request: ModelRequest }) => void | Promise<void>
}

declare module 'nitropack/types' {
  interface NitroRuntimeHooks extends BackgroundJobsHooks {}
}
