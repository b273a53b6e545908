/**
 * Under a `volatile-*` eviction policy (the default of some managed Redis services) Redis evicts
 * only keys that have an expiry. The provider's only such keys are its rate-limit windows
 * (`rate:*`) and its recent deletions (`deleted:<userId>`): a job's keys have none, so no job is
 * ever evicted — at maxmemory Redis refuses writes, as under `noeviction`. The warning told the
 * operator that running jobs would be lost; it now says what such a policy does take.
 */
import { expect, it } from 'vitest'
import { redisProviderWithAdmin } from '../support/redis-provider-admin'
import { useRedisServer } from '../support/redis-server'
import { appendAccepted, createJob, statusEvent } from './contract-fixtures'

const redis = useRedisServer(['--maxmemory-policy', 'volatile-lru'])

it('warns about what a volatile policy evicts (rate windows, deletions), not about losing jobs', async () => {
  const warnings: string[] = []
  const keyPrefix = `volatile-${process.pid}:`
  const { provider, admin } = await redisProviderWithAdmin({ url: redis.url, keyPrefix, onWarning: message => warnings.push(message), onError: () => {} })
  expect(warnings).toHaveLength(1)
  expect(warnings[0]).toMatch(/maxmemory-policy volatile-lru/)
  expect(warnings[0]).toMatch(/rate-limit windows/)
  expect(warnings[0]).not.toMatch(/running job[^.]*is lost/)

  // What the warning says: a job's keys have no expiry (Redis cannot evict them under this policy),
  // the rate windows and the user's recent changes (a feed's start) do.
  const job = await createJob(provider, { userId: 'u1' })
  await appendAccepted(provider, job.id, [statusEvent(1)])
  expect(await provider.takeRate('u1:create', 10, 60_000)).toEqual({ ok: true })
  const keys = await admin.keys(`${keyPrefix}*`)
  const expiring: string[] = []
  for (const key of keys) if (await admin.pTTL(key) >= 0) expiring.push(key.slice(keyPrefix.length))
  expect(expiring.sort()).toEqual(['changed:u1', 'rate:u1:create'])
})
