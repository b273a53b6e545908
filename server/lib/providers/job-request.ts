/**
 * What a job was created from — a chat's messages or a workflow's input, with what the engine adds
 * (the trace context of its first run, the fingerprint of an idempotent body, the id of the
 * creating HTTP request) — stored with the job
 * so that any instance can run or resume it. Part of the provider contract (types.ts).
 */
import type { ReasoningDetail } from '../../../shared/events'

/** A chat message in the OpenAI chat-completions shape (what the engine sends upstream). */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool'
  content: string | null
  /** Assistant messages that asked for tools. */
  tool_calls?: Array<{ id: string, type: 'function', function: { name: string, arguments: string }, extra_content?: Record<string, unknown> }>
  /**
   * An assistant message that asked for tools: the round's reasoning, sent back only to an endpoint
   * that sent it under this name (DeepSeek's and Kimi's thinking models require it in tool rounds).
   */
  reasoning_content?: string
  /** An assistant message that asked for tools: OpenRouter's reasoning blocks of the round, as they came. */
  reasoning_details?: ReasoningDetail[]
  /** Tool messages: the call this answers. */
  tool_call_id?: string
  name?: string
}

/** What a chat job was started with. */
export interface ChatJobRequest {
  type: 'chat'
  messages: ChatMessage[]
  model?: string
  /** Names of registered tools the client chose; `undefined` means every enabled tool. */
  tools?: string[]
  /**
   * The metadata the client put on the user message this job answers (the last user message; AI
   * SDK route only): JSON within `MAX_MESSAGE_METADATA_BYTES`, kept as sent and never sent upstream.
   */
  promptMetadata?: unknown
  /**
   * The app's own fields of the AI SDK transport's body (`DefaultChatTransport({ body })`,
   * `sendMessage(message, { body })`) that started this turn: JSON within `MAX_CLIENT_BODY_BYTES`,
   * kept as sent for the app's hooks; never read by the layer nor sent upstream (ai-sdk/client-body.ts).
   */
  clientBody?: Record<string, unknown>
  /**
   * `'jobs'` for a job `POST /api/jobs` started (the demo's main chat): a thread's turns there follow
   * one another in time, so an answer to an earlier message again (its Regenerate and Retry) comes
   * after the turns between. Absent for the AI SDK route's (an answer again takes its message's
   * place: a regeneration or an edit) and in jobs stored before this field (chat-history.ts).
   */
  startedBy?: 'jobs'
  /**
   * `true` for a `POST /api/jobs` job whose `messageId` is the id of a chat job of its thread
   * started without one (the main chat's Regenerate and Retry of that turn): the AI SDK messages
   * route names that turn's user message `<messageId>:user` also once that job is gone
   * (ai-sdk/job-turn-answers.ts). Absent otherwise, and in jobs stored before this field.
   */
  answersJob?: true
  trace?: JobTraceContext
  /** The fingerprint of the body that created it with an `Idempotency-Key` (idempotency.ts). */
  fingerprint?: string
  /**
   * The `X-Request-Id` of the HTTP request that created the job (http/request-id.ts: 1 to 128
   * characters of `A-Z a-z 0-9 . _ : -`); absent for a job created outside a request (the app's
   * own code, a task) and in jobs stored before this field. Every run of the job, a takeover on
   * another instance too, writes it on its log lines and job span (docs/observability.md › Request
   * ids); its owner sees it in the job's summary. A client's word: it never decides anything.
   */
  requestId?: string
}

/** What a workflow job was started with. */
export interface WorkflowJobRequest {
  type: 'workflow'
  workflow: string
  input: unknown
  /** When set, the only tools its nodes may use (e.g. `[]` when tools are off for this user). */
  tools?: string[]
  trace?: JobTraceContext
  /** The fingerprint of the body that created it with an `Idempotency-Key` (idempotency.ts). */
  fingerprint?: string
  /** As `ChatJobRequest.requestId`. */
  requestId?: string
}

/**
 * The span context of a job's first run, W3C `traceparent` form (`00-<trace id>-<span id>-<flags>`),
 * set by the engine when a tracing SDK recorded that run. A run that resumes the job on another
 * instance links its span to it. Providers store it as part of `request`; nothing reads it but
 * the engine (server/lib/telemetry/trace-context.ts).
 */
export interface JobTraceContext {
  traceparent: string
}

/** The request a job was created from; stored so another instance can resume it. */
export type JobRequest = ChatJobRequest | WorkflowJobRequest
