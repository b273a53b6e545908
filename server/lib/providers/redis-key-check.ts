/**
 * Whether the Redis user may read and write the provider's keys. Every call reads or writes them,
 * so a user who may not makes every request fail with Redis's bare `NOPERM` or script error (a
 * 500 each). The usual cause on a shared Redis is an ACL written for the app's prefix (`~myapp:*`)
 * while the provider runs on another one (NUXT_BACKGROUND_JOBS_REDIS_KEY_PREFIX left unset: the
 * default `bgjobs:`); a user granted the keys read-only (`%R~`) is another. Checked at connect,
 * before the channels (redis-channel-check.ts, whose fix alone would not be enough): the boot fails
 * naming both ways out, and is tried again like an unreachable Redis. A URL that reaches a
 * read-only replica (a managed Redis's reader endpoint) fails the boot the same way, naming it.
 */
import { StoreUnreachableError } from '../errors'
import { aclPatternOf, checkChannelAccess, userOf } from './redis-channel-check'
import { RedisRefusedError } from './redis-refusal'
import { redactUrl } from './redis-url-redaction'

/** The Redis user may not read and write the provider's keys. */
export class RedisKeysDeniedError extends StoreUnreachableError {
  override readonly needsFix = 'store-access-denied' as const
  override name = 'RedisKeysDeniedError'
  constructor(user: string, prefix: string, cause: unknown) {
    super(`The Redis user "${user}" of NUXT_BACKGROUND_JOBS_REDIS_URL may not read and write the redis provider's keys (${prefix}*): ${(cause as Error)?.message ?? String(cause)}. Grant them (ACL SETUSER ${user} ~${aclPatternOf(prefix)} &${aclPatternOf(prefix)} +@all), or set NUXT_BACKGROUND_JOBS_REDIS_KEY_PREFIX to the prefix the user's ACL grants (now ${prefix})`, { cause })
  }
}

/**
 * The URL reaches a replica, which refuses every write (READONLY). The server booted, and every
 * creation, append and answer was a 503 "retry shortly" for as long as it ran. Tried again like an
 * unreachable Redis: a replica being promoted (a failover under way) is then used.
 */
export class RedisReplicaUrlError extends StoreUnreachableError {
  override name = 'RedisReplicaUrlError'
  constructor(url: string, cause: RedisRefusedError) {
    super(`NUXT_BACKGROUND_JOBS_REDIS_URL (${redactUrl(url)}) reaches a read-only replica, which refuses every write the redis provider makes (${cause.reply}): point it at the primary (a managed Redis's primary endpoint, not its reader endpoint)`, { cause })
  }
}

/**
 * Reads and deletes a key of the provider's that is never stored (`GETDEL` needs both
 * permissions and changes nothing), then checks the channels. Throws `RedisKeysDeniedError` when
 * Redis refuses the key, `RedisReplicaUrlError` when it refuses the write as a replica; any other
 * failure is left to the calls that follow.
 */
export async function checkAccess(command: <T>(args: string[]) => Promise<T>, prefix: string, url: string): Promise<void> {
  try {
    await command(['GETDEL', `${prefix}access-check`])
  }
  catch (error) {
    if (/^NOPERM.*\bkeys?\b/.test(String((error as Error)?.message))) throw new RedisKeysDeniedError(userOf(url), prefix, error)
    if (error instanceof RedisRefusedError && error.code === 'READONLY') throw new RedisReplicaUrlError(url, error)
  }
  await checkChannelAccess(command, prefix, url)
}
