/**
 * A Redis URL with a user name and no password (`redis://app@host`, `redis://app:@host`): the
 * natural way to write an ACL user created `nopass`, and a password written in the user's place
 * as often. node-redis sends no AUTH without a password (it speaks RESP3: a HELLO without AUTH),
 * so the connection runs as the `default` user, whatever the URL names: the app ran with the
 * default user's rights instead of its own ACL user's, or, with `requirepass`, failed at boot with
 * a NOAUTH that did not say why. The URL passed the config check; it is now refused, naming the fix.
 */
import { createClient } from 'redis'
import { expect, it, onTestFinished } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'
import { useRedisServer } from '../support/redis-server'

const redis = useRedisServer()

const problemsOf = (redisUrl: string) => configProblems(resolveConfig({ provider: 'redis', redisUrl, cookieSecret: 'x'.repeat(32) }))

it('a URL naming a user without a password is refused: the client would log in as default', async () => {
  const admin = createClient({ url: redis.url })
  onTestFinished(() => admin.close().catch(() => {}))
  await admin.connect()
  await admin.sendCommand(['ACL', 'SETUSER', 'app', 'on', 'nopass', '~app:*', '&app:*', '+@all'])
  // What the client makes of it: the default user, not `app`.
  for (const url of [redis.url.replace('redis://', 'redis://app@'), redis.url.replace('redis://', 'redis://app:@')]) {
    const client = createClient({ url })
    onTestFinished(() => client.close().catch(() => {}))
    await client.connect()
    expect(await client.sendCommand(['ACL', 'WHOAMI'])).toBe('default')
    await client.close()
  }
  const fix = /NUXT_BACKGROUND_JOBS_REDIS_URL\) names a user but no password, so the Redis client logs in as the default user: write redis:\/\/user:password@host/
  expect(problemsOf('redis://app@127.0.0.1:6379')).toEqual([expect.stringMatching(fix)])
  expect(problemsOf('rediss://app:@cache.internal:6380/2')).toEqual([expect.stringMatching(fix)])
  // The user part may be a password written in the user's place: never printed.
  for (const problem of problemsOf('redis://secret-pw@127.0.0.1:6379')) expect(problem).not.toContain('secret-pw')
  expect(problemsOf('redis://app:x@127.0.0.1:6379')).toEqual([])
  expect(problemsOf('redis://:secret-pw@127.0.0.1:6379')).toEqual([])
})
