/**
 * Requests for a job that runs on another instance: an abort or input answer is sent to the owner
 * as a control and the caller gets the owner's real reply (ok, 400, 409), or the job's end when it
 * ended meanwhile; no reply in time is a 503. Used by the cluster (cluster.ts).
 */
import { isTerminalStatus } from '../../shared/events'
import type { JobEvent } from '../../shared/events'
import type { BackgroundJobsConfig } from './config'
import { BackgroundJobsError, OwnerFailedError, OwnerUnreachableError, RateLimitError, ShuttingDownError } from './errors'
import type { Logger } from './logger'
import { endedInputConflict } from './ended-input-conflict'
import { getListedRecord } from './listed-record'
import type { ControlReply, JobControl, JobRecord } from './providers/types'
import type { SharedProvider } from './run-lease'
import { stopQuietly } from './stop-quietly'
import type { AnswerOutcome } from './stored-answer'
import { answeredAlike } from './stored-answer'
import type { TimerSet } from './timers'
import { workflowAnswerReader } from './workflows/answer-as-read'
import type { WorkflowRegistry } from './workflows/types'

/** The owner's error, answered by the instance that received the request. */
export class ForwardedError extends BackgroundJobsError {
  override name: string
  override readonly statusCode: number
  constructor(reply: Extract<ControlReply, { ok: false }>) {
    super(reply.message)
    this.name = reply.error
    this.statusCode = reply.status
  }
}

/**
 * The error a refusing reply stands for: a 429 is the owner's RateLimitError again (the sender's
 * `Retry-After`, its limit counted); a 5xx is the public 503 (`OwnerFailedError`: Retry-After, none
 * of the owner's words); a 4xx is the owner's refusal as it said it (400 wrong shape, 409 not pending).
 */
function forwardedError(reply: Extract<ControlReply, { ok: false }>, jobId: string, config: BackgroundJobsConfig): BackgroundJobsError {
  if (reply.status === 429 && reply.retryAfterSeconds !== undefined) return new RateLimitError(reply.message, reply.retryAfterSeconds, reply.limit)
  if (reply.status >= 500) return new OwnerFailedError(jobId, ownerRetryAfterSeconds(config))
  return new ForwardedError(reply)
}

/** The wait an `OwnerUnreachableError` asks for: one recovery scan (`lease.heartbeatMs`), in whole seconds. */
export function ownerRetryAfterSeconds(config: BackgroundJobsConfig): number {
  return Math.max(1, Math.ceil(config.lease.heartbeatMs / 1000))
}

/** How a forwarded control came out (`shutdown`: the engine was disposed while it waited). */
type ForwardResult = ControlReply | 'ended' | 'timeout' | 'shutdown'

/** How long a request waits for the owner: long enough for a lost owner to be replaced. */
export function ownerReplyTimeoutMs(config: BackgroundJobsConfig): number {
  const { lease } = config
  return lease.durationMs + 2 * lease.heartbeatMs
}

/** What forwarding controls needs from the engine. */
export interface ControlForwardingOptions {
  provider: SharedProvider
  getConfig: () => BackgroundJobsConfig
  timers: TimerSet
  /** The workflows: an answer is compared as its input node's schema reads it. */
  workflows: Pick<WorkflowRegistry, 'get'>
  /** Where an owner's 5xx reply is logged with its words (the client gets none of them). */
  logger?: Pick<Logger, 'warn'>
}

/** Creates the forwarding of controls to the instances that run jobs. */
export function createControlForwarding(options: ControlForwardingOptions) {
  const { provider } = options
  /**
   * Forwarded controls waiting for the owner: `dispose` clears the engine's timers, their timeout
   * among them, so it ends them (`cancelForwards`) rather than leave their requests hanging.
   */
  const forwarding = new Set<(result: ForwardResult) => void>()
  let forwardsCancelled = false

  /** The error of a refusing reply; an owner's 5xx is logged here with its words, which its 503 leaves out. */
  function refusal(record: JobRecord, reply: Extract<ControlReply, { ok: false }>): BackgroundJobsError {
    if (reply.status >= 500) options.logger?.warn('the instance running a job failed a forwarded request (answered 503, Retry-After)', { jobId: record.id, status: reply.status, error: reply.error, message: reply.message })
    return forwardedError(reply, record.id, options.getConfig())
  }

  /** How long a request waits for the owner (ownerReplyTimeoutMs). */
  function replyTimeoutMs(): number {
    return ownerReplyTimeoutMs(options.getConfig())
  }

  /** Sends a control and waits for the owner's reply, the job's end, or the timeout. */
  async function forward(record: JobRecord, control: JobControl, timeoutMs: number): Promise<ForwardResult> {
    const controlId = await provider.sendControl(record.id, control)
    // Sent while the engine was being disposed: its timers are gone, nothing would end the wait.
    if (forwardsCancelled) return 'shutdown'
    return await new Promise<ForwardResult>((resolve, reject) => {
      const stops: Array<() => void> = []
      let settled = false
      const finish = (result: ForwardResult) => {
        if (settled) return
        settled = true
        forwarding.delete(finish)
        // One stop that throws (its client closed) must not keep the others, nor the answer.
        for (const stop of stops) stopQuietly(stop)
        resolve(result)
      }
      forwarding.add(finish)
      // The job's end and the owner's reply may come in either order (an answer is replied to once
      // stored, and the job may end meanwhile): an end seen first is checked for a stored reply.
      const endedOrReplied = async () => {
        const reply = await provider.readControlReply?.(record.id, controlId).catch(() => null)
        finish(reply ?? 'ended')
      }
      try {
        stops.push(options.timers.timeout(() => finish('timeout'), timeoutMs))
        stops.push(provider.subscribeControlReply(record.id, controlId, reply => finish(reply)))
        stops.push(provider.subscribe(record.id, (events: JobEvent[]) => {
          if (events.some(event => event.type === 'job-end')) void endedOrReplied()
        }, { afterSeq: record.lastSeq }))
      }
      catch (error) {
        // A subscription that threw at once fails the request: what was set up before it goes now,
        // not when the time limit runs out.
        settled = true
        forwarding.delete(finish)
        // The subscription's error is the request's, not that of a stop that throws after it.
        for (const stop of stops) stopQuietly(stop)
        reject(error)
        return
      }
      if (settled) for (const stop of stops) stopQuietly(stop)
    })
  }

  /**
   * The aborts of a job this instance forwards, by job id and the answer they give its pending
   * approvals. Aborts are counted by no rate limit, and each forwarded one is a control stored in
   * the job store (a reply subscription and timer here, a reply the owner writes): a burst of the
   * same abort of one job shares the one in flight instead. An abort is idempotent and every caller
   * is the job's owner (authorized first), so its outcome is every caller's.
   */
  const abortsInFlight = new Map<string, Promise<void>>()

  /**
   * Asks the owner on another instance to abort; resolves once the job ended. `answer`: answer and
   * stop — the owner answers the job's pending tool approvals with it in the same step (run-manager.ts).
   */
  function abortRemote(record: JobRecord, answer?: unknown): Promise<void> {
    const key = answer === undefined ? record.id : `${record.id} ${JSON.stringify(answer)}`
    const inFlight = abortsInFlight.get(key)
    if (inFlight) return inFlight
    const abort = forwardAbort(record, answer).finally(() => abortsInFlight.delete(key))
    abortsInFlight.set(key, abort)
    return abort
  }

  async function forwardAbort(record: JobRecord, answer: unknown): Promise<void> {
    const timeoutMs = replyTimeoutMs()
    const result = await forward(record, { type: 'abort', userId: record.userId, ...(answer === undefined ? {} : { answer }) }, timeoutMs)
    if (result === 'shutdown') throw new ShuttingDownError()
    if (result === 'ended' || (typeof result === 'object' && result.ok)) return
    if (typeof result === 'object') throw refusal(record, result)
    // Its status is all this needs: not a long chat's whole history.
    const fresh = await getListedRecord(provider, record.id)
    if (!fresh || !isTerminalStatus(fresh.status)) throw new OwnerUnreachableError(record.id, timeoutMs, ownerRetryAfterSeconds(options.getConfig()))
  }

  /** Forwards an answer to the owner; throws its refusal (400 wrong shape, 409 not pending). */
  async function answerRemote(record: JobRecord, userId: string, requestId: string, answer: unknown): Promise<AnswerOutcome> {
    const timeoutMs = replyTimeoutMs()
    const result = await forward(record, { type: 'input', userId, requestId, answer }, timeoutMs)
    if (result === 'shutdown') throw new ShuttingDownError()
    if (typeof result === 'object') {
      if (result.ok) return { stored: result.stored !== false }
      throw refusal(record, result)
    }
    // The owner replies once the answer is stored, and the job may end in between (the answer let
    // it finish): this caller's answer in the log was taken, whatever came first. The question's
    // own timeout (or another answer) in the log means it was not.
    // A store that does not answer that read is its 503 (retry): whether the job took this answer
    // is unknown, not refused.
    if (result === 'ended') {
      if (await answerStored(record, requestId, userId, answer)) return { stored: true }
      throw await endedInputConflict(provider, record.id, requestId)
    }
    // No reply in time: the owner may have taken and stored the answer while its reply was lost
    // (that write failed) — then a 503 would have the client retry into a 409 "already answered".
    // A log that cannot be read leaves the owner's 503.
    if (await answerStored(record, requestId, userId, answer).catch(() => false)) return { stored: true }
    throw new OwnerUnreachableError(record.id, timeoutMs, ownerRetryAfterSeconds(options.getConfig()))
  }

  /**
   * True when the job's stored log holds this answer of `userId`'s to `requestId` (not its
   * timeout's, nor another answer of the same user's), or to the question asked again in its place
   * after a takeover (answeredAlike). Rejects with the store's error when it cannot be read.
   */
  async function answerStored(record: JobRecord, requestId: string, userId: string, answer: unknown): Promise<boolean> {
    const state = await provider.getState(record.id)
    return state ? answeredAlike(state, requestId, userId, answer, workflowAnswerReader(options.workflows, record.request)) : false
  }

  /** Ends the forwarded controls still waiting (the engine is disposed): their callers get `ShuttingDownError`. */
  function cancelForwards(): void {
    forwardsCancelled = true
    for (const finish of [...forwarding]) finish('shutdown')
  }

  return { abortRemote, answerRemote, cancelForwards }
}
