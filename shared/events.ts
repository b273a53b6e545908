/**
 * The event log of a job: every change is one event with a per-job sequence number `seq`
 * (1, 2, 3 … without gaps), assigned by the engine that runs the job.
 * Shared by the server (snapshots, replays) and the client (rendering).
 */

/** Every status a job can be in. */
export type JobStatus = 'queued' | 'running' | 'waiting' | 'completed' | 'failed' | 'aborted'

/** Statuses a job never leaves. */
export type TerminalStatus = 'completed' | 'failed' | 'aborted'

/** Statuses of a job that is still going. */
export type ActiveStatus = Exclude<JobStatus, TerminalStatus>

/** The statuses a job never leaves, as a list. */
export const TERMINAL_STATUSES: readonly TerminalStatus[] = ['completed', 'failed', 'aborted']

/** The statuses of a job still going, as a list (a filter for the jobs to reattach to or abort). */
export const ACTIVE_STATUSES: readonly ActiveStatus[] = ['queued', 'running', 'waiting']

/** Every job status, as a list (for validation). */
export const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'waiting', 'completed', 'failed', 'aborted']

/** True when a job in this status is finished for good. */
export function isTerminalStatus(status: JobStatus): status is TerminalStatus {
  return status === 'completed' || status === 'failed' || status === 'aborted'
}

/** What kind of work a job does. */
export type JobType = 'chat' | 'workflow'

/** Token counts reported by the model. */
export interface TokenUsage {
  prompt: number
  completion: number
  total: number
}

/** Counts and timings recorded for a finished job. */
export interface JobMetrics {
  duration_ms: number
  /** Time from the job starting to the first text or reasoning token; null when none came. */
  first_token_ms: number | null
  tool_call_count: number
  tool_execution_time_ms: number
  total_rounds: number
  tokens: TokenUsage
  /** Workflow jobs: how many node visits started — the whole job's, across takeovers (a visit cut off and run again counts once). */
  nodes_executed?: number
}

/** Why a job failed or was aborted. */
export interface JobError {
  /** A stable, machine-readable code such as `upstream-error`, `timeout`, `max-steps`, `owner-lost`. */
  code: string
  message: string
  /** Where it happened: `model`, `tool`, `workflow-node`, `engine`. */
  failedDuring?: string
  toolName?: string
  nodeId?: string
  /**
   * The HTTP status the model endpoint answered: only on `upstream-http` and
   * `upstream-rate-limited` failures (429 or 5xx for those, which a later request may get past;
   * another 4xx is the endpoint refusing this very request), and on an `upstream-stream` failure
   * whose error chunk gave a status as its code (OpenRouter's, after text started). Absent in jobs
   * stored before it.
   */
  httpStatus?: number
  /**
   * The model endpoint's own name for the failure, when its error body or error chunk gave one
   * (`error.code`, else `error.type`; a name, never a status): `context_length_exceeded` is a
   * prompt over the model's context window. On `upstream-http`, `upstream-rate-limited` and
   * `upstream-stream` failures only. Absent in jobs stored before it.
   */
  upstreamCode?: string
}

/** How a tool call ended. */
export type ToolResultStatus = 'completed' | 'error' | 'timeout' | 'denied'

/**
 * What kind of answer an input request wants: a person's approval of a tool call, a workflow
 * input node's answer, or a `runtime: 'client'` tool call's output from the browser (decision 44).
 */
export type InputRequestKind = 'tool-approval' | 'workflow-input' | 'tool-output'

/** What happens when nobody answers an input request in time. */
export type InputTimeoutAction = 'deny' | 'approve' | 'abort' | 'fail' | 'default'

/** The part every event shares. */
export interface EventBase {
  /** Per-job sequence number, 1-based, without gaps. */
  seq: number
  /** Epoch milliseconds when the engine recorded it. */
  at: number
  /** Workflow jobs: the node that produced this event. */
  nodeId?: string
  /**
   * Merged deltas (stored in batches, or replayed): the first seq this event covers; `seq` is the
   * last. Absent when the event covers only its own seq.
   */
  fromSeq?: number
  /**
   * The lease epoch of the instance that wrote it, present only after a takeover (absent: 1).
   * Seqs written by an owner that died before storing them are written again by the next owner
   * with other content; the epoch tells them apart (shared/event-id.ts).
   */
  epoch?: number
}

export interface JobStatusPayload {
  type: 'job-status'
  status: ActiveStatus
  reason?: string
}

export interface TextDeltaPayload {
  type: 'text-delta'
  /** Where `text` starts in the job's content, in UTF-16 code units. */
  offset: number
  text: string
}

export interface ReasoningDeltaPayload {
  type: 'reasoning-delta'
  /** Where `text` starts in the job's reasoning, in UTF-16 code units. */
  offset: number
  text: string
}

export interface StepStartPayload {
  type: 'step-start'
  /** 1-based model round. */
  step: number
  /**
   * The model the round's request names, as the `upstream-request` hook left it (as `step-end`'s):
   * stored as the round starts, so a round that never ends (its owner lost, an error, a time limit)
   * still says which model it asked. Absent in logs written before it.
   */
  model?: string
}

export interface StepEndPayload {
  type: 'step-end'
  step: number
  finishReason: string | null
  usage?: TokenUsage
  /**
   * A chat round that asked for tools and whose reasoning came as `reasoning_content` (DeepSeek,
   * Kimi): where that reasoning is in the job's reasoning, so that it goes back with the round's
   * calls in history — also when another instance continues the job after a takeover.
   */
  reasoningContent?: TextRange
  /**
   * How many tool calls the round asked for (0: the model answered; a chat round without calls is
   * its last). Its `tool-call` events follow in a later write: after a takeover, the count tells a
   * stored final round from a round whose calls were not stored. Absent in logs written before it.
   */
  toolCallCount?: number
  /**
   * A chat round that asked for tools and whose endpoint sent OpenRouter's `reasoning_details`
   * (Anthropic's thinking, Gemini's thought signatures): the joined blocks, sent back with the
   * round's calls in history, also after a takeover (model/reasoning-details.ts). Stored only:
   * viewers never get it (stream frames, snapshots and `GET /api/jobs/:id` leave it out).
   */
  reasoningDetails?: ReasoningDetail[]
  /**
   * A chat round whose calls came with an `extra_content` (Gemini's OpenAI-compatible endpoint: each
   * call's thought signature), by call id: sent back on those calls, also after a takeover
   * (model/types.ts). Stored only, as `reasoningDetails`.
   */
  toolCallExtras?: Record<string, Record<string, unknown>>
  /**
   * How many messages of earlier turns the round's request left out to stay within the model's
   * context budget (`upstream.contextTokens`, docs/model.md); absent when it sent the whole history.
   */
  droppedMessages?: number
  /**
   * A round of an agent node whose text is held until the node ends (a parallel node's branch):
   * the text the round wrote, not in the job's content yet. A node a takeover cut off goes on from
   * it (workflows/held-visit.ts). Stored only, as `reasoningDetails`. Absent for other rounds.
   */
  heldText?: string
  /**
   * The model the round's request named, as the `upstream-request` hook left it (the job's, an
   * agent node's, or the one the hook chose): which model answered this round. Absent in logs
   * written before it.
   */
  model?: string
}

/** One of OpenRouter's reasoning blocks (`reasoning.text`, `reasoning.summary`, `reasoning.encrypted`): opaque, kept as it came. */
export interface ReasoningDetail {
  type: string
  [field: string]: unknown
}

/** A span of a job's text or reasoning, in UTF-16 code units. */
export interface TextRange {
  offset: number
  length: number
}

export interface ToolCallPayload {
  type: 'tool-call'
  id: string
  name: string
  args: unknown
  step: number
}

export interface ToolResultPayload {
  type: 'tool-result'
  id: string
  status: ToolResultStatus
  result?: unknown
  error?: string
  durationMs: number
}

/**
 * What a running tool said about itself (`ctx.progress`), the latest of a batching window per call
 * (docs/tool-progress.md). Never after the call's `tool-result`.
 */
export interface ToolProgressPayload {
  type: 'tool-progress'
  /** The call's id (its `tool-call`'s). */
  id: string
  /** At most 256 UTF-8 bytes. */
  message: string
  /** How far along, 0..1; absent when the tool did not say. */
  fraction?: number
}

export interface InputRequestPayload {
  type: 'input-request'
  requestId: string
  kind: InputRequestKind
  prompt: string
  /** Epoch ms after which `onTimeout` applies. */
  expiresAt: number
  onTimeout: InputTimeoutAction
  /**
   * How long the job had run when the question was first asked (ms from its first start, on every
   * owner: server/lib/job-start.ts). A workflow's question asked again after a takeover keeps its
   * first asking's, and waits only what was left of its timeout. Absent in events of earlier versions.
   */
  askedAtJobMs?: number
  /** Tool approvals and client tool outputs: the call waiting for the answer. */
  toolCallId?: string
  tool?: string
  args?: unknown
  /** Workflow input: JSON Schema of the expected answer, for the client to render a form. */
  schema?: unknown
  /**
   * Workflow input asked again after a takeover because the answer an earlier request of the same
   * visit took (stored before its node ended) does not fit the node's answer schema a deploy
   * changed since: that request's id. Its answer was not taken (server/lib/answer-taken.ts).
   */
  replaces?: string
}

export interface InputResponsePayload {
  type: 'input-response'
  requestId: string
  answer: unknown
  answeredAt: number
  /**
   * The user id that answered; `timeout` when `onTimeout` applied; `system:cancelled` (withdrawn:
   * its branch was cancelled) or `system:owner-lost` (voided by a takeover), both with `answer: null`.
   */
  answeredBy: string
  /**
   * When the asker's schema stored another value than the one sent (a default, a trim): a digest
   * of the answer as sent, so the same answer sent again is told apart by its bytes (server/lib/answer-digest.ts).
   */
  sent?: string
}

export interface NodeStartPayload {
  type: 'node-start'
  nodeId: string
  kind: string
  /**
   * How long the job had run when this attempt of the node started (ms from the job's first start,
   * on every owner: server/lib/job-start.ts). Absent in events of earlier versions.
   */
  startedAtJobMs?: number
  /**
   * A takeover's run of the attempt a lost owner cut off: the node time (`limits.nodeTimeoutMs`)
   * its visit used before, waits for a human left out. The node gets only what is left.
   */
  usedMs?: number
}

export interface NodeEndPayload {
  type: 'node-end'
  nodeId: string
  status: 'completed' | 'failed' | 'skipped'
  output?: unknown
  error?: string
}

export interface JobEndPayload {
  type: 'job-end'
  status: TerminalStatus
  error?: JobError
  metrics: JobMetrics
}

/** An event before the engine numbers it. */
export type JobEventPayload =
  | JobStatusPayload
  | TextDeltaPayload
  | ReasoningDeltaPayload
  | StepStartPayload
  | StepEndPayload
  | ToolCallPayload
  | ToolResultPayload
  | ToolProgressPayload
  | InputRequestPayload
  | InputResponsePayload
  | NodeStartPayload
  | NodeEndPayload
  | JobEndPayload

/** Distributes `EventBase` over each member so narrowing on `type` keeps working. */
type WithBase<T> = T extends unknown ? T & EventBase : never

/** One entry of a job's event log. */
export type JobEvent = WithBase<JobEventPayload>

/** Every event type name. */
export type JobEventType = JobEvent['type']

/** The event of a given type. */
export type JobEventOf<T extends JobEventType> = Extract<JobEvent, { type: T }>

/** Event types that are merged in the batching window (everything else flushes the batch first). */
export function isDeltaEvent(event: { type: string }): event is TextDeltaPayload | ReasoningDeltaPayload {
  return event.type === 'text-delta' || event.type === 'reasoning-delta'
}

/** A metrics object with every count at zero. */
export function emptyMetrics(): JobMetrics {
  return {
    duration_ms: 0,
    first_token_ms: null,
    tool_call_count: 0,
    tool_execution_time_ms: 0,
    total_rounds: 0,
    tokens: { prompt: 0, completion: 0, total: 0 },
  }
}
