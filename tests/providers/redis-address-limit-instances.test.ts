/**
 * `limits.maxConcurrentAnonymousJobsPerAddress` holds across instances: two servers on one Redis
 * count an anonymous client address's active jobs in the store, so a client spreading its requests
 * over instances behind a load balancer gets the cap once, not once per instance.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { appendAccepted, endEvent, newJob, WRITER_LEASE } from './contract-fixtures'

const redis = useRedisServer()

async function instance(keyPrefix: string) {
  const provider = createRedisProvider({ url: redis.url, keyPrefix, onError: () => {} })
  await provider.ready()
  onTestFinished(() => provider.dispose())
  return provider
}

describe('redis provider: anonymous jobs per client address across instances', () => {
  it('one cap for both instances; a job ended on one frees a slot for the other', async () => {
    const [a, b] = [await instance('address-limit:'), await instance('address-limit:')]
    const perAddress = { maxActivePerAddress: { address: '2001:db8:1:2::/64', limit: 2 } }
    const first = await a.create(newJob({ userId: 'anon-1', lease: WRITER_LEASE }), perAddress)
    await b.create(newJob({ userId: 'anon-2', lease: WRITER_LEASE }), perAddress)
    await expect(a.create(newJob({ userId: 'anon-3' }), perAddress)).rejects.toMatchObject({ scope: 'address', limit: 2 })
    await expect(b.create(newJob({ userId: 'anon-3' }), perAddress)).rejects.toMatchObject({ scope: 'address', limit: 2 })
    await appendAccepted(a, first.record.id, [endEvent(1, 'completed')])
    expect((await b.create(newJob({ userId: 'anon-3' }), perAddress)).created).toBe(true)
  })
})
