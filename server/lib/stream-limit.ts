/**
 * Caps the SSE connections one user holds open at once (job streams and the notification stream
 * together): a tab storm or a script cannot pin the server's sockets. Over the cap → 429.
 */
import { RateLimitError } from './errors'

/** Seconds a refused client is told to wait: tabs close quickly or not at all. */
export const STREAM_RETRY_AFTER_SECONDS = 5

/** Creates a gate; `acquire` returns the release function (safe to call twice). */
export function createStreamGate() {
  const open = new Map<string, number>()
  return {
    /** Takes a slot for `userId` or throws `RateLimitError` when `limit` are open. A limit ≤ 0 turns it off. */
    acquire(userId: string, limit: number): () => void {
      const current = open.get(userId) ?? 0
      if (limit > 0 && current >= limit) {
        throw new RateLimitError(`Too many open streams: at most ${limit} per user (limits.maxStreamsPerUser); close a tab or stream first`, STREAM_RETRY_AFTER_SECONDS)
      }
      open.set(userId, current + 1)
      let released = false
      return () => {
        if (released) return
        released = true
        const left = (open.get(userId) ?? 1) - 1
        if (left <= 0) open.delete(userId)
        else open.set(userId, left)
      }
    },
    /** Open streams of a user. */
    count: (userId: string) => open.get(userId) ?? 0,
    /** Open streams of all users. */
    total: () => [...open.values()].reduce((sum, count) => sum + count, 0),
  }
}

/** A stream gate. */
export type StreamGate = ReturnType<typeof createStreamGate>

let processGate: StreamGate | null = null

/** The gate of this process. */
export function useStreamGate(): StreamGate {
  processGate ??= createStreamGate()
  return processGate
}
