/**
 * Whether the Redis user may use the provider's pub/sub channels. Every write script publishes
 * (a job's batches to its followers, a user's changes to their feeds, controls to owners), so a
 * user who may not publish makes every creation fail after the script wrote the job (Redis does
 * not roll a script back): a 500 per request, and a job left active and leased for recovery to
 * run. Redis 7 gives an ACL user no channel at all unless told (`acl-pubsub-default
 * resetchannels`), so the natural ACL for an app on a prefix, `~<prefix>* +@all`, lacks them.
 * Checked at connect: the boot fails naming the fix, and is tried again like an unreachable Redis,
 * so granting the channels needs no restart.
 */
import { StoreUnreachableError } from '../errors'

/** The Redis user may not publish to (nor subscribe to) the provider's channels. */
export class RedisChannelsDeniedError extends StoreUnreachableError {
  override readonly needsFix = 'store-access-denied' as const
  override name = 'RedisChannelsDeniedError'
  constructor(user: string, prefix: string, cause: unknown) {
    super(`The Redis user "${user}" of NUXT_BACKGROUND_JOBS_REDIS_URL may not use the redis provider's pub/sub channels (${prefix}*): ${(cause as Error)?.message ?? String(cause)}. Grant them: ACL SETUSER ${user} &${aclPatternOf(prefix)} +@pubsub (Redis 7 gives an ACL user no channels unless acl-pubsub-default is allchannels)`, { cause })
  }
}

/**
 * The ACL rule pattern that matches the prefix's keys or channels: Redis reads rules as globs, so
 * a `*`, `?`, `[`, `]` or `\\` of the prefix is escaped (`&tenant[eu]:*` would match `tenanteu:…`).
 */
export function aclPatternOf(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`
}

/** The user name in a Redis URL (`default` when it names none). */
export function userOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).username) || 'default'
  }
  catch {
    return 'default'
  }
}

/**
 * Publishes to a channel of the provider's that nobody listens to (the log channel of no job) and
 * throws `RedisChannelsDeniedError` when Redis refuses it for permissions. Any other failure is
 * left to the calls that follow.
 */
export async function checkChannelAccess(command: <T>(args: string[]) => Promise<T>, prefix: string, url: string): Promise<void> {
  try {
    await command(['PUBLISH', `${prefix}log:channel-check`, '[]'])
  }
  catch (error) {
    if (/^NOPERM/.test(String((error as Error)?.message))) throw new RedisChannelsDeniedError(userOf(url), prefix, error)
  }
}
