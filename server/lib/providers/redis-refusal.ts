/**
 * Redis answers some commands with an error that says what state *it* is in, not what is wrong
 * with the command: out of memory under `maxmemory` with `noeviction` (OOM), a failed snapshot
 * that blocks writes (MISCONF), a replica after a failover (READONLY), a restart still loading its
 * data (LOADING), a script running too long (BUSY). They pass when Redis does: a route answers 503
 * with `Retry-After` naming Redis and the cause, never a 500, and a job's write is retried.
 */
import { ProviderUnavailableError } from '../errors'

/** What a 503 for a Redis that refuses commands tells clients to wait. */
const REFUSED_RETRY_AFTER_SECONDS = 5

/** The error codes (the reply's first word) that describe Redis's state, with what the operator can do. */
const STATE_HINTS: Record<string, string> = {
  OOM: 'Redis reached its maxmemory: free memory, raise maxmemory or shorten limits.retentionMs',
  MISCONF: 'Redis cannot write its snapshot and refuses writes until it can (see the Redis log)',
  // After boot (the boot check names it too, redis-key-check.ts): a failover; the command
  // connection is dropped and made again to the URL (redis-client.ts), so only a URL that keeps
  // reaching the replica needs changing.
  READONLY: 'NUXT_BACKGROUND_JOBS_REDIS_URL reaches a read-only replica: after a failover the connection is made again to the URL; if this goes on, point it at the primary',
  LOADING: 'Redis is loading its data after a restart',
  BUSY: 'a script on Redis runs too long',
  MASTERDOWN: 'the replica lost its primary',
  NOREPLICAS: 'not enough replicas acknowledge writes (min-replicas-to-write)',
  TRYAGAIN: 'Redis asks to try again',
}

/** Redis refused a command because of its own state (see above): 503 + Retry-After. */
export class RedisRefusedError extends ProviderUnavailableError {
  override readonly name = 'RedisRefusedError'
  /** Redis's reply, its first line (`READONLY You can't write against a read only replica.`). */
  readonly reply: string
  constructor(readonly code: string, replyMessage: string, options?: { cause?: unknown }) {
    super('redis', `The job store (Redis) refused the command: ${firstLine(replyMessage)} (${STATE_HINTS[code]}); retry shortly`, REFUSED_RETRY_AFTER_SECONDS, { ...options, clientMessage: 'The job store (Redis) refused the command; retry shortly' })
    this.reply = firstLine(replyMessage)
  }
}

/** The first line of a reply, without the `script: <sha>, on @user_script:N.` tail a script error carries. */
export function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/\s*script: [0-9a-f]{40}, on @user_script:\d+\.?$/, '').trim()
}

/** A `RedisRefusedError` when an error reply's message describes Redis's state, else null. */
export function refusalOf(message: string, cause?: unknown): RedisRefusedError | null {
  const code = /^[A-Z]+/.exec(message)?.[0]
  return code && code in STATE_HINTS ? new RedisRefusedError(code, message, { cause }) : null
}
