/**
 * A Redis provider and a plain admin client on the same server (to read INFO, pause clients…),
 * both connected, both closed when the test finishes. Shared by redis-active-list-reads,
 * redis-user-catch-up-old-job and redis-volatile-eviction-policy.
 */
import { createClient } from 'redis'
import { onTestFinished } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import type { RedisProviderOptions } from '../../server/lib/providers/redis'

/** The provider (with `options`) and the admin client on `options.url`, ready. */
export async function redisProviderWithAdmin(options: RedisProviderOptions) {
  const provider = createRedisProvider(options)
  const admin = createClient({ url: options.url })
  await Promise.all([provider.ready(), admin.connect()])
  onTestFinished(async () => {
    await provider.dispose()
    await admin.close()
  })
  return { provider, admin }
}

/** A plain client on `url` for what an operator (or a bug) does to a job's keys, closed when the test finishes. */
export async function redisAdminClient(url: string) {
  const admin = createClient({ url })
  onTestFinished(async () => {
    await admin.close().catch(() => {})
  })
  await admin.connect()
  return admin
}
