/**
 * A bound on the request-driven Convex mutations that wait unanswered at once. A mutation that
 * timed out (its route answered 503) is not dropped: the Convex client keeps it and sends it again
 * after the reconnect. Through an outage, clients that retry on `Retry-After` (job creations,
 * aborts, answers, deletions, rate hits) would pile up one held mutation per attempt — memory
 * that grows with the outage's length, and a burst of stale writes when Convex comes back. Past
 * `max` held at once, new ones are refused at once with the same 503, without reaching the client.
 * Appends and heartbeats are bounded on their own (one outstanding per job, lease or instance).
 */
import { ProviderUnavailableError } from '../errors'

/** Request-driven mutations that may wait unanswered at once, timed-out ones included. */
export const MAX_UNANSWERED_MUTATIONS = 1_000

/** Creates the gate; `send` runs the mutation when there is room. */
export function createUnansweredGate(options: { retryAfterSeconds: number, max?: number }) {
  const max = options.max ?? MAX_UNANSWERED_MUTATIONS
  let unanswered = 0
  const answered = () => {
    unanswered--
  }
  return {
    /** How many wait unanswered now. */
    get size() {
      return unanswered
    },
    send<T>(send: () => Promise<T>, what: string): Promise<T> {
      if (unanswered >= max) {
        return Promise.reject(new ProviderUnavailableError('convex', `Convex has not answered ${unanswered} earlier calls (unreachable or overloaded), so ${what} was not sent: retry shortly`, options.retryAfterSeconds))
      }
      unanswered++
      const sent = send()
      sent.then(answered, answered)
      return sent
    },
  }
}
