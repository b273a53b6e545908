/**
 * The errors of the `redis` provider's client (redis-client.ts): the `redis` package missing, Redis
 * unreachable at boot, and a command Redis did not answer (503 + Retry-After).
 */
import { ProviderUnavailableError, StoreUnreachableError } from '../errors'
import { packageMissingMessage } from './package-missing'
import { redactUrl } from './redis-url-redaction'

/** What a 503 for an unreachable Redis tells clients to wait. */
export const REDIS_RETRY_AFTER_SECONDS = 5

/** Thrown when the `redis` provider is selected but the `redis` package is not installed. */
export class RedisPackageMissingError extends Error {
  constructor(cause: unknown) {
    super(packageMissingMessage('redis', 'redis', 'node-redis', cause), { cause })
    this.name = 'RedisPackageMissingError'
  }
}

/** Thrown at boot when Redis cannot be reached (the engine tries again: engine-startup.ts). */
export class RedisUnreachableError extends StoreUnreachableError {
  constructor(url: string, cause: unknown) {
    super(`The redis provider could not reach Redis at ${redactUrl(url)} (NUXT_BACKGROUND_JOBS_REDIS_URL): ${(cause as Error)?.message ?? String(cause)}`, { cause })
    this.name = 'RedisUnreachableError'
  }
}

/**
 * What Redis answers a connection whose credentials it refuses: a wrong password or user, a
 * disabled user (`WRONGPASS`), no password where one is required (`NOAUTH`), or Redis before 6's
 * `ERR invalid password` and a password sent to a Redis that has none. Never the password itself.
 */
const AUTH_REFUSED = /^(WRONGPASS|NOAUTH)\b|^ERR (invalid password|AUTH .*called without any password configured)/

/** True when `error` (or an error it wraps) is Redis refusing the connection's credentials. */
export function isAuthRefusal(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    const message = (cause as { message?: unknown }).message
    if (typeof message === 'string' && AUTH_REFUSED.test(message)) return true
  }
  return false
}

/**
 * Redis refused the credentials of NUXT_BACKGROUND_JOBS_REDIS_URL at boot: tried again like an
 * unreachable Redis (a password changed on Redis's side is then picked up), but no attempt passes
 * until someone fixes the password or the Redis user, so the health route says `failed` at once.
 */
export class RedisAuthRefusedError extends RedisUnreachableError {
  override readonly needsFix = 'store-auth-refused' as const
  constructor(url: string, cause: unknown) {
    super(url, cause)
    this.name = 'RedisAuthRefusedError'
  }
}

/** Redis could not be reached for a command (down, restarting, timed out): 503 + Retry-After, retry shortly. */
export class RedisUnavailableError extends ProviderUnavailableError {
  override readonly name = 'RedisUnavailableError'
  constructor(cause: unknown) {
    super('redis', `The job store (Redis) is unavailable: ${describeCause(cause)}; retry shortly`, REDIS_RETRY_AFTER_SECONDS, { cause, clientMessage: 'The job store (Redis) is unavailable; retry shortly' })
  }
}

/** What went wrong, in words (node-redis's errors for a closed connection have an empty message). */
function describeCause(cause: unknown): string {
  const error = cause as { message?: unknown, code?: unknown, name?: unknown } | null
  const text = typeof error?.message === 'string' && error.message ? error.message : typeof error?.code === 'string' ? error.code : ''
  return text || (typeof error?.name === 'string' && error.name !== 'Error' ? error.name : 'the connection is closed')
}
