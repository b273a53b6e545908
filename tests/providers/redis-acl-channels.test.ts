/**
 * An ACL user without pub/sub channels — what Redis 7 gives a user created with only key and
 * command rules (`~<prefix>* +@all`), the natural ACL for an app on a prefix — cannot run the
 * provider: every write script publishes. Without a check the boot went through and every job
 * creation failed with Redis's bare script error (a 500) after the script had stored the job,
 * leaving it active and leased for recovery to run. The boot now fails naming the user, the
 * prefix and the ACL that grants the channels, is tried again like an unreachable Redis (no
 * restart once granted), and leaves no connection open.
 */
import { createClient } from 'redis'
import { describe, expect, it, onTestFinished } from 'vitest'
import { StoreUnreachableError } from '../../server/lib/errors'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { startFailureOf } from '../../server/lib/start-failure'
import { useRedisServer } from '../support/redis-server'
import { createJob } from './contract-fixtures'

const redis = useRedisServer()

describe('redis provider: an ACL user without pub/sub channels', () => {
  it('fails at boot naming the ACL to grant, stores nothing, and boots once the channels are granted', async () => {
    const admin = createClient({ url: redis.url })
    try {
      await admin.connect()
      await admin.sendCommand(['ACL', 'SETUSER', 'app', 'on', '>secret', '~acl:*', '+@all'])
      const url = redis.url.replace('redis://', 'redis://app:secret@')
      const denied = createRedisProvider({ url, keyPrefix: 'acl:', onError: () => {} })
      onTestFinished(() => denied.dispose())
      const failure = await denied.ready().then(() => null, (error: unknown) => error)
      const created = await createJob(denied).then(() => 'created', (error: unknown) => String(error))
      await denied.dispose()
      expect(failure).toBeInstanceOf(StoreUnreachableError)
      expect(startFailureOf(failure)).toEqual({ reason: 'store-access-denied', failed: true })
      expect(String((failure as Error)?.message)).toMatch(/^The Redis user "app" of NUXT_BACKGROUND_JOBS_REDIS_URL may not use the redis provider's pub\/sub channels \(acl:\*\): NOPERM .*ACL SETUSER app &acl:\*/)
      expect(created).not.toBe('created')
      expect(await admin.sendCommand(['KEYS', 'acl:*'])).toEqual([])
      expect(String(await admin.sendCommand(['CLIENT', 'LIST'])).split('\n').filter(line => / user=app /.test(line))).toEqual([])

      await admin.sendCommand(['ACL', 'SETUSER', 'app', '&acl:*'])
      const granted = createRedisProvider({ url, keyPrefix: 'acl:', onError: () => {} })
      // Closed however the test ends: a failed assertion leaves no connection open.
      onTestFinished(() => granted.dispose())
      await granted.ready()
      expect((await createJob(granted)).status).toBe('queued')
      await granted.dispose()
    }
    finally {
      await admin.close().catch(() => {})
    }
  })
})
