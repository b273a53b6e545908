/**
 * The shapes of the layer's HTTP API as the browser sees them (`/api/jobs…`).
 * Shared by the composables and the demo pages; the server owns the real definitions.
 */
import type { InputTimeoutAction, JobStatus } from '../../shared/events'
import type { JobState } from '../../shared/reducer'

import type { JobSummary } from '../../shared/api-types'

export type { DeleteJobAnswer, DeleteThreadResult, JobListPage, JobNotification, JobSummary, NotificationType, RenamedThread, ThreadPageAnswer, ThreadSummary } from '../../shared/api-types'

/** A chat message sent as history. */
export interface ChatHistoryMessage {
  role: 'user' | 'assistant' | 'system'
  content: string
  /**
   * An assistant answer: the id of the job that wrote it (same user, same thread). The server then
   * sends the model that job's stored tool calls and results before the text (docs/api.md).
   */
  jobId?: string
}

/** The body of `POST /api/jobs` for a chat job. */
export interface StartChatRequest {
  messages: ChatHistoryMessage[]
  model?: string
  threadId?: string
  messageId?: string
  /** Names of registered tools; leave out to offer every enabled tool. */
  tools?: string[]
}

/** The body of `POST /api/jobs` for a workflow job. */
export interface StartWorkflowRequest {
  workflow: string
  /** The workflow's input; may be left out when its input schema accepts `undefined` (all fields optional). */
  input?: unknown
  threadId?: string
  /** The message this job answers (api.md: as for a chat job). */
  messageId?: string
}

/** Either kind of start request. */
export type StartJobRequest = StartChatRequest | StartWorkflowRequest

/** The 202 answer of `POST /api/jobs`. */
export interface StartedJob {
  id: string
  status: JobStatus
  streamUrl: string
  threadId: string | null
  /** `false` when an `Idempotency-Key` retry returned the job the key started before (status `200`). */
  created: boolean
}

/** `GET /api/jobs/:id`. */
export interface JobSnapshotResponse {
  job: JobSummary
  state: JobState
}

/** One tool in the catalog. */
export interface CatalogTool {
  name: string
  description: string
  needsApproval: boolean
  /** Where it runs: on the server, or in the browser (`runtime: 'client'`). */
  runtime: 'server' | 'client'
  /** False when it must run in an isolation worker this server cannot start for it (absent reads as available). */
  available?: boolean
  /** Why not, in plain words; null when available. */
  reason?: string | null
}

/** One workflow in the catalog. */
export interface CatalogWorkflow {
  name: string
  description: string
  /** JSON Schema of the workflow's input. */
  inputSchema: unknown
  /** What it will ask the human: each input node's prompt (null when computed), answer schema and timeout. */
  questions: CatalogQuestion[]
  /** False when it cannot run for this user: it asks the model and none is configured, or a tool node's tool is off (the server always sends it; absent reads as available). */
  available?: boolean
  /** Why not, in plain words for the user; null when available. */
  reason?: string | null
}

/** Whether chats can start (`GET /api/jobs/catalog`'s `chat`). */
export interface CatalogChat {
  /** False when no model is configured: every chat start answers 503. */
  available: boolean
  /** Why not, in plain words for the user; null when available. */
  reason: string | null
}

/** A question a workflow will ask: an input node's prompt, answer JSON Schema and timeout. */
export interface CatalogQuestion {
  nodeId: string
  /** The prompt as written; null when a function computes it at run time. */
  prompt: string | null
  /** JSON Schema of the answer (null when it cannot be expressed). */
  answerSchema: unknown
  /** What happens when nobody answers in time. */
  onTimeout: InputTimeoutAction
  /** The node's own wait; null means the server's `limits.inputTimeoutMs`. */
  timeoutMs: number | null
}

/**
 * The server's limits on a request body (its `limits.*`): a chat that sends its whole history with
 * every turn keeps within them (the demo sends the newest turns that fit), or it is refused.
 */
export interface CatalogLimits {
  /** Messages in one chat request. */
  maxMessages: number
  /** Characters (UTF-16 code units) in one message. */
  maxMessageChars: number
  /** Bytes of a `POST /api/jobs` body. */
  maxBodyBytes: number
}

/** `GET /api/jobs/catalog`. */
export interface JobCatalog {
  model: { scripted: boolean, name: string }
  chat: CatalogChat
  tools: CatalogTool[]
  workflows: CatalogWorkflow[]
  limits: CatalogLimits
}


/** The JSON error body the server sends (h3 `createError`). */
export interface ApiErrorBody {
  statusCode: number
  message: string
}
