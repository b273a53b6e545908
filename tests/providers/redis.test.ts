/**
 * The provider contract suite against a real redis-server (started on a free port for this file,
 * stopped after), plus what the Redis provider does beyond the contract.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import type { RedisServer } from '../support/redis-server'
import { startRedisServer } from '../support/redis-server'
import { defineProviderContract } from './contract'

let redis: RedisServer
let prefixes = 0
/** Each test gets its own key prefix: tests never see each other's keys. */
const nextPrefix = () => `test-${process.pid}-${++prefixes}:`

beforeAll(async () => {
  redis = await startRedisServer()
})
afterAll(async () => {
  await redis?.stop()
})

defineProviderContract('redis', async ({ now }) => {
  const provider = createRedisProvider({ url: redis.url, keyPrefix: nextPrefix(), now })
  await provider.ready()
  return { provider, flush: () => provider.settled() }
})
