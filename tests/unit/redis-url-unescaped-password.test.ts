/**
 * A Redis password holding a raw `#` (or `/`, `?`) ends the URL's host part there: node-redis then
 * connects to a host made of the user name (`redis://default:1234#rest@cache:6379` → host
 * `default`, port 1234), or the URL is no URL at all. The boot check said nothing (`#`: no check
 * looks at a fragment) or something beside the point ("is not a URL", "has a path that is not a
 * database number", "has query parameters (a text of N characters)"). It now names the problem
 * and the escapes, never the password.
 */
import { createClient } from 'redis'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'

const secret = 'Zk9aB7xQ2mP4'
const problemsOf = (redisUrl: string) => configProblems(resolveConfig({ provider: 'redis', redisUrl, cookieSecret: 'x'.repeat(32) }))
const UNESCAPED = 'NUXT_BACKGROUND_JOBS_REDIS_URL) has a user name or password holding a raw /, ? or #'

describe('a Redis URL whose password holds a raw # / ?', () => {
  it('is refused at boot naming the problem, where it passed the check and failed at connect', () => {
    const url = `redis://default:1234#${secret}@cache.internal:6379`
    // What the client makes of it: the user name as the host.
    expect(createClient({ url }).options?.socket).toMatchObject({ host: 'default', port: 1234 })
    expect(problemsOf(url)).toEqual([expect.stringContaining(UNESCAPED)])
    expect(problemsOf(`redis://app:#${secret}@cache.internal:6379/0`)).toEqual([expect.stringContaining(UNESCAPED)])
  })

  it('names the raw character where another problem was named before', () => {
    for (const url of [
      `rediss://default:${secret}#x@cache.internal:6380`, // no URL at all: "is not a URL"
      `redis://default:2024/${secret}@cache.internal:6379/0`, // "has a path that is not a database number"
      `redis://:2024?${secret}@cache.internal:6379`, // "has query parameters"
    ]) expect(problemsOf(url)).toEqual([expect.stringContaining(UNESCAPED)])
  })

  it('never prints the password, and leaves escaped ones alone', () => {
    for (const url of [`redis://default:1234#${secret}@cache.internal:6379`, `rediss://default:${secret}#x@cache.internal:6380`]) {
      expect(problemsOf(url).join('\n')).not.toContain(secret.slice(0, 6))
      expect(problemsOf(url).join('\n')).toContain('%23')
    }
    expect(problemsOf(`redis://default:1234%23${secret}@cache.internal:6379`)).toEqual([])
    expect(problemsOf(`redis://default:${encodeURIComponent(`a/b?c#d${secret}`)}@cache.internal:6379/2`)).toEqual([])
  })
})
