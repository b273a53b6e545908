/**
 * Caps the SSE connections held open at once (job streams and the notification stream together):
 * per user, so a tab storm or a script cannot pin the server's sockets, and for the whole
 * instance, so many users together cannot either. Over a cap → 429 naming the setting.
 */
import { RateLimitError } from './errors'

/** Seconds a refused client is told to wait: tabs close quickly or not at all. */
export const STREAM_RETRY_AFTER_SECONDS = 5

/** Creates a gate; `acquire` returns the release function (safe to call twice). */
export function createStreamGate() {
  const open = new Map<string, number>()
  let total = 0
  return {
    /**
     * Takes a slot for `userId` or throws `RateLimitError` when `limit` of theirs, or `globalLimit`
     * of everyone's, are open. A limit ≤ 0 turns that cap off.
     */
    acquire(userId: string, limit: number, globalLimit = 0): () => void {
      const current = open.get(userId) ?? 0
      if (limit > 0 && current >= limit) {
        throw new RateLimitError(`Too many open streams: at most ${limit} per user (limits.maxStreamsPerUser); close a tab or stream first`, STREAM_RETRY_AFTER_SECONDS, 'maxStreamsPerUser')
      }
      if (globalLimit > 0 && total >= globalLimit) {
        throw new RateLimitError(`This server holds its maximum of ${globalLimit} open streams (limits.maxStreams); try again shortly`, STREAM_RETRY_AFTER_SECONDS, 'maxStreams')
      }
      open.set(userId, current + 1)
      total++
      let released = false
      return () => {
        if (released) return
        released = true
        total--
        const left = (open.get(userId) ?? 1) - 1
        if (left <= 0) open.delete(userId)
        else open.set(userId, left)
      }
    },
    /** Open streams of a user. */
    count: (userId: string) => open.get(userId) ?? 0,
    /** Open streams of all users. */
    total: () => total,
    /** Users with an open stream: a user leaves the count with their last stream. */
    users: () => open.size,
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
