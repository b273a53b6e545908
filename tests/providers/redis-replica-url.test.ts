/**
 * A Redis URL that reaches a read-only replica (a managed Redis's reader endpoint given in place of
 * its primary endpoint): the server booted, logged a dropped connection, and then answered every
 * creation, append and answer with a 503 "retry shortly" for as long as it ran. The boot now fails
 * naming the variable and the fix (never the password), and is tried again like an unreachable
 * Redis, so a replica being promoted is used once it is the primary.
 */
import { createClient } from 'redis'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { StoreUnreachableError } from '../../server/lib/errors'
import { createProviderFromConfig } from '../../server/lib/providers/create-provider'
import { useTestRedisServer } from '../support/redis-server'
import { freePort } from '../support/server-process'

const PASSWORD = 'replica-password-9f3'

describe('redis provider: a URL that reaches a read-only replica', () => {
  it('fails the boot naming NUXT_BACKGROUND_JOBS_REDIS_URL and the primary, retryably; once promoted it boots', { timeout: 30_000 }, async () => {
    // A replica of a primary that is not there: it refuses writes (READONLY), and serves reads.
    const replica = await useTestRedisServer(['--replicaof', '127.0.0.1', String(await freePort()), '--requirepass', PASSWORD])
    const url = replica.url.replace('redis://', `redis://:${PASSWORD}@`)
    const config = resolveConfig({ provider: 'redis', redisUrl: url, redisKeyPrefix: 'replica:', cookieSecret: 'c'.repeat(32) })

    const refused = await createProviderFromConfig(config).then(() => null, (error: unknown) => error)
    // Retryable: the startup tries again (engine-startup.ts) instead of serving 503s with the store "up".
    expect(refused).toBeInstanceOf(StoreUnreachableError)
    const message = String((refused as Error).message)
    expect(message).toContain('NUXT_BACKGROUND_JOBS_REDIS_URL')
    expect(message).toContain('reaches a read-only replica')
    expect(message).toContain('READONLY')
    expect(message).toContain('point it at the primary')
    expect(message).not.toContain(PASSWORD)

    const admin = createClient({ url })
    await admin.connect()
    try {
      await admin.sendCommand(['REPLICAOF', 'NO', 'ONE'])
      const provider = await createProviderFromConfig(config)
      await provider.dispose?.()
    }
    finally {
      await admin.close()
    }
  })
})
