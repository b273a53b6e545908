/**
 * A failed answer in words for people: one plain sentence per kind of failure (the job's
 * `error.code`, docs/api.md "Job error codes"), where the turn used to show the engine's own
 * message (`The model stream reported an error: …`). The code, that message and where it happened
 * stay available as details (FailureNote.vue), for a bug report. Pure, so it is unit-tested.
 */
import type { JobError } from '../../../shared/events'

/** The model endpoint failed: the same words for each way it can (the details say which). */
const MODEL_TROUBLE = 'The AI model’s service had a problem, so the answer stopped. Try again in a moment.'
/** Something of the server's own: nothing the user did. */
const SERVER_TROUBLE = 'Something went wrong on the server, so the answer stopped. Try again; if it keeps happening, report it with the details below.'
/** The tool loop's stop conditions: the assistant went round in circles. */
const TOOLS_STOPPED = 'The assistant used its tools more than it is allowed in one answer, so it was stopped. Try asking for less at once.'

const SENTENCES: Record<string, string> = {
  'timeout': 'This answer took longer than the server allows, so it was stopped.',
  'input-timeout': 'Nobody answered the question in time, so it stopped.',
  'shutdown': 'The server restarted before this answer finished.',
  'owner-lost': 'The server restarted before this answer finished.',
  'controls-unavailable': SERVER_TROUBLE,
  'event-too-large': 'Part of this answer was too large for the server to save, so it stopped.',
  'store-unreachable': 'The server could not save this answer, so it stopped. Try again in a moment.',
  'store-refused': 'The server could not save this answer, so it stopped.',
  'upstream-http': MODEL_TROUBLE,
  'upstream-network': 'The server could not reach the AI model, so the answer stopped. Try again in a moment.',
  'upstream-stream': MODEL_TROUBLE,
  'upstream-protocol': MODEL_TROUBLE,
  'upstream-error': MODEL_TROUBLE,
  'upstream-timeout': 'The AI model took too long to respond, so the answer stopped. Try again in a moment.',
  'upstream-rate-limited': 'The AI model is busy right now (too many requests). Wait a little, then try again.',
  'upstream-content-filter': 'The AI provider’s content filter blocked this answer. Try rephrasing your message.',
  'context-budget-exceeded': 'This message, with what it needs, is too long for the AI model. Shorten it, or start a new thread.',
  'max-steps': TOOLS_STOPPED,
  'max-calls-per-step': TOOLS_STOPPED,
  'repeated-call': 'The assistant kept making the same tool call, so it was stopped. Try rephrasing your message.',
  'time-budget': 'The assistant ran out of time while using its tools, so it was stopped.',
  'max-nodes': 'The workflow ran more steps than it is allowed, so it was stopped.',
  'node-timeout': 'A step of the workflow took too long, so the workflow stopped.',
  'node-output-too-large': 'A step of the workflow produced more than can be kept, so the workflow stopped.',
  'workflow-reference': 'The workflow is set up wrong: a step used a result that was not there yet.',
  'tool-error': 'A tool the workflow ran failed, so the workflow stopped.',
  'tool-timeout': 'A tool the workflow ran took too long, so the workflow stopped.',
  'tool-denied': 'A tool the workflow needed was denied, so the workflow stopped.',
  'node-failed': 'A step of the workflow failed, so the workflow stopped.',
  'unknown-workflow': 'This workflow is not available on the server any more.',
  'workflow-changed': 'The workflow was changed while this run was under way, so it cannot go on. Start it again.',
  'invalid-request': 'This request can no longer run: the app changed since it was sent. Send it again.',
  'internal-error': SERVER_TROUBLE,
}

/** A code the list does not know (an app's own, thrown by its tool or node). */
const UNKNOWN_KIND = 'Something went wrong, so this answer stopped.'

/**
 * The sentence for a failed job: its kind's, and — when part of an answer had arrived (`partial`)
 * — that it is kept, as the turn shows it.
 */
export function failureSentence(error: Pick<JobError, 'code'>, partial = false): string {
  const sentence = SENTENCES[error.code] ?? UNKNOWN_KIND
  return partial ? `${sentence} The part that had arrived is kept.` : sentence
}

/** One line of a failure's details. */
export interface FailureDetail {
  label: string
  value: string
}

/**
 * What a developer or an operator needs of a failure, in order: the code, the server's message,
 * where it happened (the workflow step, the tool), and the request id the server's log lines carry
 * (`requestId`: the job's `X-Request-Id`, when known).
 */
export function failureDetails(error: JobError, requestId?: string): FailureDetail[] {
  const details: FailureDetail[] = [{ label: 'Error code', value: error.code }]
  if (error.message) details.push({ label: 'Message', value: error.message })
  if (error.nodeId) details.push({ label: 'Workflow step', value: error.nodeId })
  if (error.toolName) details.push({ label: 'Tool', value: error.toolName })
  if (requestId) details.push({ label: 'Request id', value: requestId })
  return details
}
