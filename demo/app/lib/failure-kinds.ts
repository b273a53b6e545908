/**
 * A failed answer in words for people: one plain sentence per kind of failure (the job's
 * `error.code`, docs/api.md "Job error codes"), where the turn used to show the engine's own
 * message (`The model stream reported an error: …`). The code, that message and where it happened
 * stay available as details (FailureNote.vue), for a bug report. Each kind also says whether
 * asking again can help: only then does the turn offer Retry (JobTurn.vue); otherwise its sentence
 * says what to do instead. Pure, so it is unit-tested.
 */
import type { JobError } from '../../../shared/events'

/**
 * One kind of failure: its sentence, and whether asking the same again can help (`retry`). Where
 * it cannot — the same request meets the same refusal or limit — the turn offers no Retry and the
 * sentence says what the user can do instead (edit the message, ask for less, report it).
 */
interface FailureKind {
  sentence: string
  retry: boolean
}

/** The model endpoint failed in passing: the same words for each way it can (the details say which). */
const MODEL_TROUBLE: FailureKind = { sentence: 'The AI model’s service had a problem, so the answer stopped. Try again in a moment.', retry: true }
/** The model endpoint refused the request itself (an HTTP 4xx): the same request is refused again. */
const MODEL_REFUSED: FailureKind = { sentence: 'The AI model’s service refused this request, and sending it again would be refused too. Edit your message or start a new thread; if it keeps happening, report it with the details below.', retry: false }
/** The conversation does not fit the model's context window (the model's own 400, or the layer's budget). */
const TOO_LONG: FailureKind = { sentence: 'This message, with what it needs, is too long for the AI model. Shorten it, or start a new thread.', retry: false }
/** Something of the server's own, in passing: nothing the user did. */
const SERVER_TROUBLE: FailureKind = { sentence: 'Something went wrong on the server, so the answer stopped. Try again; if it keeps happening, report it with the details below.', retry: true }
/** The tool loop's limits: the same request runs into them again. */
const TOOLS_STOPPED: FailureKind = { sentence: 'The assistant used its tools more than it is allowed in one answer, so it was stopped. Ask for less at once, or split the request into smaller messages.', retry: false }
/** The server restarted: asking again runs on the server that is back. */
const RESTARTED: FailureKind = { sentence: 'The server restarted before this answer finished.', retry: true }
/** A workflow's own limit or set-up: the same run stops the same way. */
const SAME_RUN_STOPS = 'Running it again would stop the same way'

const KINDS: Record<string, FailureKind> = {
  'timeout': { sentence: 'This answer took longer than the server allows, so it was stopped.', retry: true },
  'input-timeout': { sentence: 'Nobody answered the question in time, so it stopped. Retry to be asked again.', retry: true },
  'shutdown': RESTARTED,
  'owner-lost': RESTARTED,
  'controls-unavailable': SERVER_TROUBLE,
  'event-too-large': { sentence: 'Part of this answer was too large for the server to save, so it stopped. Asking the same again would stop the same way: ask for a shorter answer, or for less at once.', retry: false },
  'store-unreachable': { sentence: 'The server could not save this answer, so it stopped. Try again in a moment.', retry: true },
  'store-refused': { sentence: 'The server could not save this answer, and trying again would fail the same way. Report it with the details below.', retry: false },
  'upstream-http': MODEL_TROUBLE,
  'upstream-network': { sentence: 'The server could not reach the AI model, so the answer stopped. Try again in a moment.', retry: true },
  'upstream-stream': MODEL_TROUBLE,
  'upstream-protocol': MODEL_TROUBLE,
  'upstream-error': MODEL_TROUBLE,
  'upstream-timeout': { sentence: 'The AI model took too long to respond, so the answer stopped. Try again in a moment.', retry: true },
  'upstream-rate-limited': { sentence: 'The AI model is busy right now (too many requests). Wait a little, then try again.', retry: true },
  'upstream-content-filter': { sentence: 'The AI provider’s content filter blocked this answer, and would block the same message again. Edit your message to rephrase it.', retry: false },
  'context-budget-exceeded': TOO_LONG,
  'max-steps': TOOLS_STOPPED,
  'max-calls-per-step': TOOLS_STOPPED,
  'repeated-call': { sentence: 'The assistant kept making the same tool call, so it was stopped. Edit your message to rephrase it, or ask for less at once.', retry: false },
  'time-budget': { sentence: 'The assistant ran out of time while using its tools, so it was stopped.', retry: true },
  'max-nodes': { sentence: `The workflow ran more steps than it is allowed, so it was stopped. ${SAME_RUN_STOPS}: start it with a smaller input.`, retry: false },
  'node-timeout': { sentence: 'A step of the workflow took too long, so the workflow stopped. Try again in a moment.', retry: true },
  'node-output-too-large': { sentence: `A step of the workflow produced more than can be kept, so the workflow stopped. ${SAME_RUN_STOPS}: start it with a smaller input.`, retry: false },
  'workflow-reference': { sentence: `The workflow is set up wrong: a step used a result that was not there yet. ${SAME_RUN_STOPS}; report it with the details below.`, retry: false },
  'tool-error': { sentence: 'A tool the workflow ran failed, so the workflow stopped. Try again in a moment.', retry: true },
  'tool-timeout': { sentence: 'A tool the workflow ran took too long, so the workflow stopped. Try again in a moment.', retry: true },
  'tool-denied': { sentence: 'A tool the workflow needed was refused, so the workflow stopped. Start it again only if the tool may run this time.', retry: false },
  'node-failed': { sentence: 'A step of the workflow failed, so the workflow stopped. Try again; if it keeps happening, report it with the details below.', retry: true },
  'unknown-workflow': { sentence: 'This workflow is not available on the server any more. Choose another one from the Workflow menu.', retry: false },
  'workflow-changed': { sentence: 'The workflow was changed while this run was under way, so it cannot go on. Start it again.', retry: true },
  'invalid-request': { sentence: 'This request can no longer run: the app changed since it was sent. Send it again.', retry: true },
  'internal-error': SERVER_TROUBLE,
}

/** A code the list does not know (an app's own, thrown by its tool or node): asking again may help. */
const UNKNOWN_KIND: FailureKind = { sentence: 'Something went wrong, so this answer stopped.', retry: true }

/** HTTP statuses of the model endpoint that a later request can get past (timeout, conflict, too early, rate limit). */
const PASSING_CLIENT_STATUSES = new Set([408, 409, 425, 429])
/**
 * The model endpoint's status in the message of a job stored before its error had `httpStatus`
 * (`The model endpoint answered HTTP 400: …`): such jobs stay readable until their retention ends.
 */
const UPSTREAM_STATUS = /\bHTTP (\d{3})\b/
/**
 * The words the server adds to a provider's "prompt over the context window" refusal
 * (docs/model.md): with no context budget set, and with one (its estimate was within the budget).
 */
const CONTEXT_WINDOW_HINT = /longer than the model's context window|but not within the model's window/
/** The endpoints' names for a prompt over the context window (`error.upstreamCode`): OpenAI's, llama.cpp's. */
const CONTEXT_WINDOW_CODE = /context_length_exceeded|exceed_context_size/i

/** What the decision reads of a job's error: its code, and for a model endpoint's failure its status, name and words. */
export type FailureLike = Pick<JobError, 'code'> & Partial<Pick<JobError, 'message' | 'httpStatus' | 'upstreamCode'>>

/**
 * The model endpoint's HTTP status of an `upstream-http` or `upstream-stream` failure: the error's
 * `httpStatus` (a stream's when its error chunk gave one: OpenRouter's, after text started); for an
 * `upstream-http` job stored before that field existed, the status its message names (the fallback
 * goes once no store can hold such a job: past every deployment's retention). A stream's message is
 * the upstream's own words: no status is read from it.
 */
function upstreamStatus(error: FailureLike): number | undefined {
  if (typeof error.httpStatus === 'number') return error.httpStatus
  const named = error.code === 'upstream-http' && error.message ? UPSTREAM_STATUS.exec(error.message)?.[1] : undefined
  return named === undefined ? undefined : Number(named)
}

/**
 * The kind of a failure: by its code, and for `upstream-http` and `upstream-stream` by the
 * endpoint's status — a 4xx is the endpoint refusing this very request (too long for the model's
 * window, or not accepted at all), where a 429 or a 5xx, already retried by the server, may pass later.
 */
function kindOf(error: FailureLike): FailureKind {
  if (error.code === 'upstream-http' || error.code === 'upstream-stream') {
    const status = upstreamStatus(error)
    const refused = status !== undefined && status >= 400 && status < 500 && !PASSING_CLIENT_STATUSES.has(status)
    // An error chunk may name it with no status (`{"error":{"code":"context_length_exceeded"}}`).
    if ((refused || status === undefined) && overContextWindow(error)) return TOO_LONG
    if (refused) return MODEL_REFUSED
  }
  return KINDS[error.code] ?? UNKNOWN_KIND
}

/**
 * The endpoint refused a prompt over the model's context window: by the name it gave
 * (`upstreamCode`); where it gave none that says so (Anthropic's `invalid_request_error`, a job
 * stored before the field), by the words the model client adds to such a refusal.
 */
function overContextWindow(error: FailureLike): boolean {
  if (error.upstreamCode && CONTEXT_WINDOW_CODE.test(error.upstreamCode)) return true
  return error.message !== undefined && CONTEXT_WINDOW_HINT.test(error.message)
}

/**
 * The sentence for a failed job: its kind's, and — when part of an answer had arrived (`partial`)
 * — that it is kept, as the turn shows it.
 */
export function failureSentence(error: FailureLike, partial = false): string {
  const { sentence } = kindOf(error)
  return partial ? `${sentence} The part that had arrived is kept.` : sentence
}

/**
 * Whether asking the same message again can help (the turn offers Retry): a failure in passing
 * (the model's service, the store, a restart, a time limit), not one the same request meets again.
 */
export function retryCanHelp(error: FailureLike): boolean {
  return kindOf(error).retry
}

/**
 * Whether a finished turn offers Retry: a stopped one always (the user stopped it), a failed one
 * where asking again can help (`retryCanHelp`; one with no error recorded too), nothing else.
 */
export function turnOffersRetry(status: string, error: FailureLike | null | undefined): boolean {
  if (status === 'aborted') return true
  return status === 'failed' && (!error || retryCanHelp(error))
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
