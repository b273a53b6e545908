/**
 * Caps the SSE connections held open at once (job streams and the notification stream together):
 * per user, so a tab storm or a script cannot pin the server's sockets; for anonymous users per
 * client address, so a script that drops its cookie (a new user per stream) cannot either; and for
 * the whole instance, so many users together cannot. Over a cap → 429 naming the setting.
 */
import { RateLimitError } from './errors'

/** Seconds a refused client is told to wait: tabs close quickly or not at all. */
export const STREAM_RETRY_AFTER_SECONDS = 5

/** An anonymous stream's client address and the most streams of anonymous users it may hold. */
export interface AnonymousStreamAddress {
  address: string
  limit: number
}

/** One more in `counts` under `key`; the release takes it back (dropping the key at 0). */
function countOne(counts: Map<string, number>, key: string): () => void {
  counts.set(key, (counts.get(key) ?? 0) + 1)
  return () => {
    const left = (counts.get(key) ?? 1) - 1
    if (left <= 0) counts.delete(key)
    else counts.set(key, left)
  }
}

/** Creates a gate; `acquire` returns the release function (safe to call twice). */
export function createStreamGate() {
  const open = new Map<string, number>()
  // Anonymous users' streams by client address: a client that drops its cookie is a new user per stream.
  const openByAddress = new Map<string, number>()
  let total = 0
  return {
    /**
     * Takes a slot for `userId` or throws `RateLimitError` when `limit` of theirs, the anonymous
     * address's limit of its anonymous users' (`anonymous`, for an anonymous user), or
     * `globalLimit` of everyone's, are open. A limit ≤ 0 turns that cap off.
     */
    acquire(userId: string, limit: number, globalLimit = 0, anonymous?: AnonymousStreamAddress): () => void {
      if (limit > 0 && (open.get(userId) ?? 0) >= limit) {
        throw new RateLimitError(`Too many open streams: at most ${limit} per user (limits.maxStreamsPerUser); close a tab or stream first`, STREAM_RETRY_AFTER_SECONDS, 'maxStreamsPerUser')
      }
      if (anonymous && anonymous.limit > 0 && (openByAddress.get(anonymous.address) ?? 0) >= anonymous.limit) {
        throw new RateLimitError(`Too many open streams of anonymous users from this address: at most ${anonymous.limit} (limits.maxAnonymousStreamsPerAddress); close a tab or stream first, or sign in`, STREAM_RETRY_AFTER_SECONDS, 'maxAnonymousStreamsPerAddress')
      }
      if (globalLimit > 0 && total >= globalLimit) {
        throw new RateLimitError(`This server holds its maximum of ${globalLimit} open streams (limits.maxStreams); try again shortly`, STREAM_RETRY_AFTER_SECONDS, 'maxStreams')
      }
      const releaseUser = countOne(open, userId)
      const releaseAddress = anonymous && anonymous.limit > 0 ? countOne(openByAddress, anonymous.address) : () => {}
      total++
      let released = false
      return () => {
        if (released) return
        released = true
        total--
        releaseUser()
        releaseAddress()
      }
    },
    /** Open streams of a user. */
    count: (userId: string) => open.get(userId) ?? 0,
    /** Open streams of all users. */
    total: () => total,
    /** Users with an open stream: a user leaves the count with their last stream. */
    users: () => open.size,
    /** Open streams of anonymous users from a client address (counted while its limit is on). */
    countOfAddress: (address: string) => openByAddress.get(address) ?? 0,
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
