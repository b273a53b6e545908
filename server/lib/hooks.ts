/**
 * The Nitro runtime hooks the layer calls, typed for apps (documented in docs/hooks.md).
 */
import type { H3Event } from 'h3'
import type { JobState } from '../../shared/reducer'
import type { StepState } from '../../shared/state-entries'
import type { ModelRequest } from './model/types'
import type { JobRecord } from './providers/types'

/** What the `background-jobs:chat-message-metadata` hook gets (docs/ai-sdk-metadata.md). */
export interface ChatMessageMetadataContext {
  /**
   * The job's record. On the chat's messages route (rebuilt from a listing of its jobs) a shared
   * store may give a chat's `request` with its last user message as its only message (`redis`,
   * `convex`); every other field is as stored.
   */
  job: JobRecord
  /** The job as the client has it at this point: before its first event on `start`, as a model round ended on `finish-step`, at its end (or waiting for approvals) on `finish`. Read it, do not change it. */
  state: JobState
  /** `finish-step`: once per model round, sent in a `message-metadata` chunk just before the round's `finish-step` (as AI SDK 7's `toUIMessageStream` sends it). */
  part: 'start' | 'finish-step' | 'finish'
  /** On `finish-step`: the round that ended (`state.steps`' last) — its `model`, `usage`, `finishReason`. */
  step?: StepState
  /** Set it: any JSON value (usually an object), at most 16 KiB of JSON; `undefined` or `null` sends none. */
  metadata: unknown
}

/** The hooks, by name. */
export interface BackgroundJobsHooks {
  /** Set `context.userId` to your app's user id (from your session; a number is taken as its digits; blank, over 256 characters or with a control character is a 500); leave it null for anonymous. */
  'background-jobs:resolve-user': (context: { event: H3Event, userId: string | number | null }) => void | Promise<void>
  'background-jobs:job-created': (context: { job: JobRecord }) => void | Promise<void>
  /** With the final state: store the answer in your own database here. */
  'background-jobs:job-ended': (context: { job: JobRecord, state: JobState }) => void | Promise<void>
  /** Adjust the upstream request per job and round: `request.headers`, `request.model`, `request.body`. */
  'background-jobs:upstream-request': (context: { job: JobRecord, request: ModelRequest }) => void | Promise<void>
  /** Set `context.metadata`: the AI SDK message metadata of a chat job's `start` chunk, each round's end (`finish-step`) or its `finish` chunk. */
  'background-jobs:chat-message-metadata': (context: ChatMessageMetadataContext) => void | Promise<void>
}

declare module 'nitropack/types' {
  interface NitroRuntimeHooks extends BackgroundJobsHooks {}
}
