/**
 * A time limit on each call to a remote job store, so a route answers 503 with `Retry-After`
 * instead of hanging while the store is unreachable. Only the waiting stops: the call itself goes
 * on (a client may still deliver it after a reconnect), which is why the caller keeps the promise.
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

/** Waits for a call at most `timeoutMs`, then rejects with `ProviderUnavailableError`. */
export type CallDeadline = <T>(promise: Promise<T>, what: string) => Promise<T>

/** Creates the deadline every call of one provider goes through. */
export function createCallDeadline(options: CallDeadlineOptions): CallDeadline {
  const { timeoutMs } = options
  const unavailable = (what: string) => new ProviderUnavailableError(
    options.provider,
    `${options.storeName} did not answer ${what} within ${timeoutMs} ms: the job store is unreachable, retry shortly (${options.timeoutVariable})`,
    options.retryAfterSeconds,
  )
  return <T>(promise: Promise<T>, what: string) => new Promise<T>((resolve, reject) => {
    let settled = false
    const dueAtMs = performance.now() + timeoutMs
    const expire = () => {
      if (settled) return
      settled = true
      reject(unavailable(what))
    }
    let timer = setTimeout(() => {
      if (performance.now() - dueAtMs >= LATE_TIMER_MS) timer = setTimeout(expire, 0)
      else expire()
    }, timeoutMs)
    const finish = () => {
      settled = true
      clearTimeout(timer)
    }
    promise.then(
      (value) => {
        if (settled) return
        finish()
        resolve(value)
      },
      (error: unknown) => {
        if (settled) return
        finish()
        reject(error)
      },
    )
  })
}
