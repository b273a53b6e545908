/**
 * Pending human input of one running job: each request has an expiry timer and a resolver.
 * An answer is validated first (a bad one leaves the job waiting); a repeated or stale one is a
 * conflict; on expiry the request's `onTimeout` action applies.
 */
import { randomUUID } from 'node:crypto'
import type { InputAnswer, InputRequestOptions } from './run-context'
import { InputConflictError, InvalidAnswerError, JobAbortedError, SchemaCheckFailedError } from './errors'
import { JobFailure } from './run-context'
import { jsonProblem } from './json-problem'
import { sentDigestFor } from './answer-digest'
import { settledReason } from './settled-reason'
import { askedAgainFor } from './answer-taken'
import { pendingRequestHint } from './pending-request-hint'
import type { LiveJob } from './live-job'
import type { TimerSet } from './timers'
import { cutTextWith } from '../../shared/cut-text'

interface PendingRequest {
  options: InputRequestOptions
  resolve: (answer: InputAnswer) => void
  reject: (error: unknown) => void
  cancelTimer: () => void
  /** Stops listening to the asker's signal (on every way the request ends). */
  unlisten: () => void
  /** When it was asked, on `performance.now()`'s clock: the oldest open request's wait (engine-stats.ts), whatever the wall clock does. */
  monotonicAskedAt: number
}

/** Options of the input requests of one job. */
export interface InputRequestsOptions {
  live: LiveJob
  timers: TimerSet
  signal: AbortSignal
  defaultTimeoutMs: number
  now: () => number
  /**
   * When the job's time limit (`limits.jobTimeoutMs`) ends, on `now()`'s clock: a request that
   * would expire later says this time, and that the job fails then (see `request`).
   */
  jobEndsAt?: () => number
  /**
   * How long the job has run (ms from its first start, on every owner: job-start.ts): what a
   * request's `askedAtJobMs` is counted on.
   */
  jobAgeMs?: () => number
  /** Aborts the job (onTimeout = abort). */
  abortJob: (reason: JobAbortedError) => void
  /** Tells the app a job needs input (notifications). */
  onRequest?: (requestId: string, options: InputRequestOptions) => void
  /**
   * Tells the app a request is over while its job runs on: answered, answered by its timeout, or
   * withdrawn (notifications). Called once the answer is in the log, so the job's status is
   * already what follows it. Not called when the request ends the job (a timeout that fails or
   * aborts it) or the job ends (`cancelAll`): the job's end tells then.
   */
  onSettled?: (requestId: string) => void
}

/** The default answer applied on expiry, per action. */
export function timeoutAnswer(options: Pick<InputRequestOptions, 'timeoutAnswer' | 'onTimeout'>): unknown {
  if (options.timeoutAnswer !== undefined) return options.timeoutAnswer
  if (options.onTimeout === 'approve') return 'approve'
  if (options.onTimeout === 'deny') return 'deny'
  return null
}

/**
 * How much of the question a job's error quotes: enough to tell which one it was. A prompt may hold
 * a whole draft (`Approve this?\n\n{{outputs.draft}}`), and the error is in the job's summary, every
 * listing of it and the page's error line.
 */
const QUOTED_PROMPT_CHARS = 200

/** Why a job ended when nobody answered: the question (its start, on one line), and the workflow node that asked it. */
export function expiredMessage(options: Pick<InputRequestOptions, 'prompt' | 'nodeId'>): string {
  const quoted = cutTextWith(options.prompt.replace(/\s+/g, ' ').trim(), QUOTED_PROMPT_CHARS, '…')
  return `Nobody answered "${quoted}"${options.nodeId ? ` (node "${options.nodeId}")` : ''} in time`
}

/** The input requests of one running job. */
export class InputRequests {
  private readonly pending = new Map<string, PendingRequest>()
  /** Request ids answered or expired, so a repeated answer is a clear conflict, not a 404. */
  private readonly settled = new Set<string>()

  constructor(private readonly options: InputRequestsOptions) {}

  get size(): number {
    return this.pending.size
  }

  /** When the oldest open request was asked (on `performance.now()`'s clock), or undefined with none open. */
  oldestAskedAt(): number | undefined {
    let oldest: number | undefined
    for (const { monotonicAskedAt } of this.pending.values()) if (oldest === undefined || monotonicAskedAt < oldest) oldest = monotonicAskedAt
    return oldest
  }

  /** True when this run asked `requestId` (it is pending, or was answered or expired here). */
  asked(requestId: string): boolean {
    return this.pending.has(requestId) || this.settled.has(requestId)
  }

  /** Asks; resolves with the answer. The job is `waiting` while any request is open. */
  request(options: InputRequestOptions): Promise<InputAnswer> {
    const { live, signal } = this.options
    if (signal.aborted) return Promise.reject(signal.reason)
    if (options.signal?.aborted) return Promise.reject(options.signal.reason)
    const requestId = randomUUID()
    const jobAgeMs = this.options.jobAgeMs?.()
    // Asked again after a takeover: the time it waited on the lost owners counts (it expires when it
    // first would have), measured on the job's clock, which no instance's own clock enters.
    const waitedMs = options.askedAtJobMs === undefined || jobAgeMs === undefined ? 0 : Math.max(0, jobAgeMs - options.askedAtJobMs)
    const timeoutMs = Math.max(0, (options.timeoutMs ?? this.options.defaultTimeoutMs) - waitedMs)
    const askedAtJobMs = options.askedAtJobMs ?? (jobAgeMs === undefined ? undefined : Math.round(jobAgeMs))
    return new Promise<InputAnswer>((resolve, reject) => {
      const cancelTimer = this.options.timers.timeout(() => this.expire(requestId), timeoutMs)
      let unlisten = () => {}
      const asker = options.signal
      if (asker) {
        const onAbort = () => this.withdraw(requestId, asker.reason)
        asker.addEventListener('abort', onAbort, { once: true })
        unlisten = () => asker.removeEventListener('abort', onAbort)
      }
      const askedAt = this.options.now()
      this.pending.set(requestId, { options, resolve, reject, cancelTimer, unlisten, monotonicAskedAt: performance.now() })
      live.commit({
        type: 'input-request',
        requestId,
        kind: options.kind,
        prompt: options.prompt,
        ...this.expiry(askedAt + timeoutMs, options.onTimeout),
        ...(options.toolCallId ? { toolCallId: options.toolCallId } : {}),
        ...(options.tool ? { tool: options.tool } : {}),
        ...(options.args !== undefined ? { args: options.args } : {}),
        ...(options.schema !== undefined ? { schema: options.schema } : {}),
        ...(options.nodeId ? { nodeId: options.nodeId } : {}),
        ...(askedAtJobMs === undefined ? {} : { askedAtJobMs }),
        ...(options.replaces ? { replaces: options.replaces } : {}),
      })
      if (live.state.status !== 'waiting') live.commit({ type: 'job-status', status: 'waiting' })
      this.options.onRequest?.(requestId, options)
    })
  }

  /**
   * When the request expires and what happens then, as its `input-request` says. The job's time
   * limit counts the wait: a request that would expire after it (a node's `timeoutMs` of an hour,
   * a question asked late in the job) said its own expiry and `onTimeout` ("if nobody answers by
   * 15:00, the draft is rejected") while the job failed as a `timeout` at 14:10. It says the job's
   * end and `fail` then (the job's timer, armed first, wins a tie).
   */
  private expiry(expiresAt: number, onTimeout: InputRequestOptions['onTimeout']): { expiresAt: number, onTimeout: InputRequestOptions['onTimeout'] } {
    const jobEndsAt = this.options.jobEndsAt?.()
    return jobEndsAt !== undefined && jobEndsAt <= expiresAt ? { expiresAt: jobEndsAt, onTimeout: 'fail' } : { expiresAt, onTimeout }
  }

  /** Accepts an answer from a user. Throws InvalidAnswerError or SchemaCheckFailedError (still waiting), or InputConflictError. */
  answer(requestId: string, answer: unknown, answeredBy: string): void {
    const request = this.pending.get(requestId)
    if (!request) {
      throw new InputConflictError(requestId, this.settledReason(requestId) ?? (this.settled.has(requestId) ? 'was already answered or expired' : `is not pending for this job${pendingRequestHint(requestId, this.pending)}`))
    }
    let accepted = answer
    if (request.options.validate) {
      try {
        accepted = request.options.validate(answer)
      }
      catch (error) {
        throw error instanceof InvalidAnswerError || error instanceof SchemaCheckFailedError ? error : new InvalidAnswerError(`Invalid answer: ${(error as Error).message}`)
      }
    }
    // The asker's schema made a valid answer into something the log cannot keep (a BigInt from
    // `z.coerce.bigint()`): no answer could ever be recorded, so the answer is recorded as sent and
    // the asker fails naming the value, rather than the request closing on a throw mid-record.
    const problem = jsonProblem(accepted, 'answer')
    if (problem) {
      this.close(requestId, request)
      this.recordAnswer(requestId, request, answer, answeredBy)
      this.options.onSettled?.(requestId)
      request.reject(new Error(`its answer, as its schema returned it, is not JSON-serialisable: ${problem}`))
      return
    }
    // Stored as the schema returned it: what was sent is kept as a digest, so the same answer sent
    // again is known by its bytes after a deploy changed how the schema reads it (answer-digest.ts).
    this.settle(requestId, request, accepted, answeredBy, false, request.options.validate ? sentDigestFor(answer, accepted) : undefined)
  }

  /**
   * Why a settled request takes no answer, from its `input-response` in the log: a second tab's
   * late answer learns whether another answer was taken (read the job for it) or nobody answered in
   * time, not just "answered or expired"; a stale tab's answer to a question a takeover voided (an
   * earlier run asked it) learns it was asked again. Undefined when the log has no answer to it.
   */
  private settledReason(requestId: string): string | undefined {
    const state = this.options.live.state
    const answered = state.answeredInputs
    for (let index = answered.length - 1; index >= 0; index--) {
      const input = answered[index]!
      if (input.requestId === requestId) return settledReason(input, false, askedAgainFor(state, requestId)?.requestedAt)
    }
    // Expired with no answer recorded (its job fails or is aborted for it), or never asked.
    return undefined
  }

  private settle(requestId: string, request: PendingRequest, answer: unknown, answeredBy: string, timedOut: boolean, sent?: string) {
    this.close(requestId, request)
    this.recordAnswer(requestId, request, answer, answeredBy, sent)
    this.options.onSettled?.(requestId)
    request.resolve({ requestId, answer, answeredBy, timedOut })
  }

  /** The request is over, however it ended: no timer, no signal listener, a later answer is a conflict. */
  private close(requestId: string, request: PendingRequest) {
    request.cancelTimer()
    request.unlisten()
    this.pending.delete(requestId)
    this.settled.add(requestId)
  }

  /** Logs the request's answer; the job runs on once no other request waits (unless `runsOn` is false: it ends next). */
  private recordAnswer(requestId: string, request: PendingRequest, answer: unknown, answeredBy: string, sent?: string, runsOn = true) {
    const { live, now } = this.options
    live.commit({ type: 'input-response', requestId, answer, answeredAt: now(), answeredBy, ...(request.options.nodeId ? { nodeId: request.options.nodeId } : {}), ...(sent ? { sent } : {}) })
    if (runsOn && this.pending.size === 0 && live.state.status === 'waiting') live.commit({ type: 'job-status', status: 'running' })
  }

  private expire(requestId: string) {
    const request = this.pending.get(requestId)
    if (!request) return
    const action = request.options.onTimeout
    if (action === 'abort') {
      this.options.abortJob(new JobAbortedError('input-timeout', expiredMessage(request.options)))
      return
    }
    if (action === 'fail') {
      // The asker fails, and with it the job: its `job-end` tells the streams.
      this.close(requestId, request)
      const { nodeId } = request.options
      request.reject(new JobFailure('input-timeout', expiredMessage(request.options), nodeId ? { failedDuring: 'workflow-node', nodeId } : {}))
      return
    }
    this.settle(requestId, request, timeoutAnswer(request.options), 'timeout', true)
  }

  /**
   * The asker gave up (its signal fired: a parallel branch cancelled because a sibling failed, or
   * the node's own limit): the request is answered `null` by `system:cancelled` in the log, so it
   * is no longer shown, counted or timed, and the asker's promise rejects. A job's own abort is
   * left to `cancelAll`, which its end follows.
   */
  private withdraw(requestId: string, reason: unknown) {
    const request = this.pending.get(requestId)
    if (!request || this.options.signal.aborted) return
    this.close(requestId, request)
    this.recordAnswer(requestId, request, null, 'system:cancelled')
    this.options.onSettled?.(requestId)
    request.reject(reason)
  }

  /**
   * Answer and stop: records `answer` from `answeredBy` on every open request of `kind` (as its
   * schema reads it; one its schema refuses is left unanswered), then rejects every open request
   * with `reason`, all in one step — the caller ends the job right after (run-manager.ts
   * `abortRun`). No asker goes on with the answer: a tool approval answered so never starts the
   * next model round, and the job does not go back to `running` before its end.
   */
  answerAndCancel(kind: InputRequestOptions['kind'], answer: unknown, answeredBy: string, reason: unknown): void {
    for (const [requestId, request] of [...this.pending]) {
      if (request.options.kind !== kind) continue
      let accepted = answer
      try {
        accepted = request.options.validate ? request.options.validate(answer) : answer
      }
      catch {
        continue
      }
      if (jsonProblem(accepted, 'answer')) continue
      this.close(requestId, request)
      this.recordAnswer(requestId, request, accepted, answeredBy, request.options.validate ? sentDigestFor(answer, accepted) : undefined, false)
      request.reject(reason)
    }
    this.cancelAll(reason)
  }

  /** Rejects every open request (the job was aborted or is shutting down). */
  cancelAll(reason: unknown): void {
    for (const [requestId, request] of this.pending) {
      request.cancelTimer()
      request.unlisten()
      this.settled.add(requestId)
      request.reject(reason)
    }
    this.pending.clear()
  }
}
