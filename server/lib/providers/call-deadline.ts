/**
 * A time limit on each call to a remote job store, so a route answers 503 with `Retry-After`
 * instead of hanging while the store is unreachable. Only the waiting stops: the call itself goes
 * on (a client may still deliver it after a reconnect), which is why the caller keeps the promise.
 *
 * Every call of one deadline has the same limit, so calls fall due in the order they were made:
 * the pending ones wait in a list in that order, and one timer, armed for the oldest, serves them
 * all — no timer set and cleared per call (a store under load makes thousands of calls a second).
 * A call that settles leaves the list at once; the timer stops when the list is empty.
 *
 * A timer that fires late means our own process was busy, and an answer may sit unread: then the
 * decision waits one more event-loop turn, so only the store's silence counts (as the upstream
 * timers do, model/attempt-timers.ts).
 */
import { ProviderUnavailableError } from '../errors'

/** A timer this late (ms) means the event loop was busy, not that the store was silent. */
const LATE_TIMER_MS = 10

/** Options of `createCallDeadline`. */
export interface CallDeadlineOptions {
  /** The provider's name, as in `JobProvider.name`. */
  provider: string
  /** The store's name for messages, e.g. `Convex`. */
  storeName: string
  timeoutMs: number
  /** The setting that changes `timeoutMs`, named in the message. */
  timeoutVariable: string
  /** What the 503's `Retry-After` says. */
  retryAfterSeconds: number
}

/**
 * Waits for a call at most `timeoutMs`, then rejects with `ProviderUnavailableError`. `onExpire`
 * runs first (e.g. to withdraw a command that was never sent); an error it returns is the
 * rejection instead (one that says more, e.g. that the connection is down).
 */
export type CallDeadline = (<T>(promise: Promise<T>, what: string, onExpire?: () => Error | undefined) => Promise<T>) & {
  /** Expires every waiting call now, as if its time were up (the store is known to be unreachable). */
  expireAll: () => void
}

/** One call that waits, linked in the order calls fall due. */
interface PendingCall {
  dueAtMs: number
  what: string
  reject: (error: unknown) => void
  onExpire: (() => Error | undefined) | undefined
  previous: PendingCall | null
  next: PendingCall | null
  /** Still in the list (not settled, not expired). */
  waiting: boolean
}

/** Creates the deadline every call of one provider goes through. */
export function createCallDeadline(options: CallDeadlineOptions): CallDeadline {
  const { timeoutMs } = options
  const unavailable = (what: string) => new ProviderUnavailableError(
    options.provider,
    `${options.storeName} did not answer ${what} within ${timeoutMs} ms: the job store is unreachable, retry shortly (${options.timeoutVariable})`,
    options.retryAfterSeconds,
  )
  let oldest: PendingCall | null = null
  let newest: PendingCall | null = null
  let timer: ReturnType<typeof setTimeout> | null = null
  /** When the armed timer is due (the oldest call's due time when it was armed). */
  let timerDueAtMs = 0

  function unlink(call: PendingCall): void {
    call.waiting = false
    if (call.previous) call.previous.next = call.next
    else oldest = call.next
    if (call.next) call.next.previous = call.previous
    else newest = call.previous
    call.previous = null
    call.next = null
    if (!oldest && timer) {
      clearTimeout(timer)
      timer = null
    }
  }

  function arm(delayMs: number): void {
    timerDueAtMs = performance.now() + delayMs
    timer = setTimeout(fire, delayMs)
    timer.unref?.()
  }

  /** Expires every call due by `nowMs`, then waits for the next one. */
  function expireDue(nowMs: number): void {
    while (oldest && oldest.dueAtMs <= nowMs) {
      const call: PendingCall = oldest
      unlink(call)
      call.reject(call.onExpire?.() ?? unavailable(call.what))
    }
    if (oldest && !timer) arm(Math.max(0, oldest.dueAtMs - performance.now()))
  }

  function fire(): void {
    timer = null
    const nowMs = performance.now()
    // Late: let the I/O that piled up while we were busy come in first, then decide for what was due.
    if (nowMs - timerDueAtMs >= LATE_TIMER_MS) {
      timer = setTimeout(() => {
        timer = null
        expireDue(nowMs)
      }, 0)
      timer.unref?.()
      return
    }
    expireDue(nowMs)
  }

  const deadline = <T>(promise: Promise<T>, what: string, onExpire?: () => Error | undefined) => new Promise<T>((resolve, reject) => {
    const call: PendingCall = { dueAtMs: performance.now() + timeoutMs, what, reject, onExpire, previous: newest, next: null, waiting: true }
    if (newest) newest.next = call
    else oldest = call
    newest = call
    if (!timer) arm(timeoutMs)
    promise.then(
      (value) => {
        if (!call.waiting) return
        unlink(call)
        resolve(value)
      },
      (error: unknown) => {
        if (!call.waiting) return
        unlink(call)
        reject(error)
      },
    )
  })
  return Object.assign(deadline, { expireAll: () => expireDue(Number.POSITIVE_INFINITY) })
}
