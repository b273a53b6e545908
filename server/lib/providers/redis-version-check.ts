/**
 * The oldest Redis the `redis` provider runs on: 6.2. Its lists read sorted sets with
 * `ZRANGE … BYSCORE REV LIMIT`, its scripts index threads with `ZADD … GT`, its boot checks the
 * keys with `GETDEL` — all added in 6.2. On an older server (still the default of some managed
 * services and distributions) the boot went through, and then every job listing failed with a bare
 * `ERR syntax error` and every creation with a script error after writing part of the job (a 500
 * each). Checked at connect from `INFO server`; a user who may not run `INFO` (an ACL with
 * `-@dangerous`) passes, as for the eviction check (redis-eviction-check.ts).
 */
import { StoreUnreachableError } from '../errors'
import { redactUrl } from './redis-url-redaction'

/** The oldest version the provider runs on, [major, minor]. */
const MIN_VERSION = [6, 2] as const

/** The URL reaches a Redis older than the provider needs. */
export class RedisVersionUnsupportedError extends StoreUnreachableError {
  override readonly needsFix = 'store-unsupported' as const
  override name = 'RedisVersionUnsupportedError'
  constructor(url: string, version: string) {
    super(`NUXT_BACKGROUND_JOBS_REDIS_URL (${redactUrl(url)}) reaches Redis ${version}, older than the ${MIN_VERSION.join('.')} the redis provider needs (its lists and scripts use ZRANGE … BYSCORE, ZADD … GT and GETDEL, which an older server refuses: every job listing and creation would fail). Upgrade Redis, or point the URL at one of version ${MIN_VERSION.join('.')} or later (docs/providers.md, "redis")`)
  }
}

/** Throws `RedisVersionUnsupportedError` when `INFO server` shows a version before 6.2. */
export async function checkVersion(command: <T>(args: string[]) => Promise<T>, url: string): Promise<void> {
  let info: string
  try {
    info = String(await command<string>(['INFO', 'server']))
  }
  catch (error) {
    // Refused (no permission, renamed): the version is unknown, and an old server's calls fail as before.
    if (/^(NOPERM|ERR unknown command)/.test(String((error as Error)?.message))) return
    throw error
  }
  const version = /^redis_version:(\d+)\.(\d+)\S*/m.exec(info)
  if (!version) return
  const [major, minor] = [Number(version[1]), Number(version[2])]
  if (major < MIN_VERSION[0] || (major === MIN_VERSION[0] && minor < MIN_VERSION[1])) throw new RedisVersionUnsupportedError(url, version[0].slice('redis_version:'.length))
}
