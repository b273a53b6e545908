/**
 * Redis answers some commands with an error that says what state *it* is in, not what is wrong
 * with the command: out of memory under `maxmemory` with `noeviction` (OOM), a failed snapshot
 * that blocks writes (MISCONF), a replica after a failover (READONLY), a restart still loading its
 * data (LOADING), a script running too long (BUSY). They pass when Redis does: a route answers 503
 * with `Retry-After` naming Redis and the cause, never a 500, and a job's write is retried.
 */
import { ProviderUnavailableError } from '../errors'
import { StoreRefusedError } from './store-refused'

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

/**
 * Redis answered a job's append with an error reply that is not about its state (above): a key of
 * the wrong type (WRONGTYPE), a value or argument its script rejects (ERR …), a command or script
 * the user may not run (NOPERM), a script it cannot load. The same append meets it again, so it is
 * not retried (store-refused.ts): the job ends `failed` with `store-refused`.
 */
export class RedisWriteRefusedError extends StoreRefusedError {
  override readonly name = 'RedisWriteRefusedError'
  /** Redis's reply, its first line (`WRONGTYPE Operation against a key holding the wrong kind of value`). */
  readonly reply: string
  constructor(jobId: string, replyMessage: string, options?: { cause?: unknown }) {
    super('redis', `Redis refused the append to job ${jobId}: ${firstLine(replyMessage)}; sending it again will not help`, options)
    this.reply = firstLine(replyMessage)
  }
}

/** An error reply's code: its first word, in capitals (`WRONGTYPE`, `ERR`), else null (not a reply of Redis's). */
function replyCode(message: string): string | null {
  return /^[A-Z]{2,}(?=\s|$)/.exec(message)?.[0] ?? null
}

/**
 * What an append's failure is: Redis's state (`RedisRefusedError`, retried), another error reply
 * (`RedisWriteRefusedError`, given up), or `error` as it is (the connection, a deadline: retried).
 */
export function appendFailureOf(jobId: string, error: unknown): unknown {
  const message = error instanceof Error && !(error instanceof ProviderUnavailableError) ? error.message : ''
  if (!replyCode(message)) return error
  return refusalOf(message, error) ?? new RedisWriteRefusedError(jobId, message, { cause: error })
}

/**
 * What a job's own error inside the append script (its `{'error', message}`) is: Redis's state
 * (retried), else anything its append raised — an error reply, a Lua error on its data — given up.
 */
export function appendErrorOf(jobId: string, message: string): RedisRefusedError | RedisWriteRefusedError {
  return refusalOf(message) ?? new RedisWriteRefusedError(jobId, message)
}

/** A `RedisRefusedError` when an error reply's message describes Redis's state, else null. */
export function refusalOf(message: string, cause?: unknown): RedisRefusedError | null {
  const code = /^[A-Z]+/.exec(message)?.[0]
  return code && code in STATE_HINTS ? new RedisRefusedError(code, message, { cause }) : null
}
