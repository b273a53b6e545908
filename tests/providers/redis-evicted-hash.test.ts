/**
 * A running job whose hash alone is evicted (`maxmemory-policy allkeys-lru`): the job is lost, and
 * what is left of it — its id in the active set and in the lease index, its log — must not linger:
 * a lease entry whose job is gone sorts before every later one for good, and the recovery scan
 * (the 100 longest-expired entries) would read only such entries, never taking over a real job.
 */
import { createClient } from 'redis'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import type { CreateOptions } from '../../server/lib/providers/types'
import { useRedisServer } from '../support/redis-server'
import { appendAccepted, newJob, START_MS, statusEvent, textEvent } from './contract-fixtures'

const redis = useRedisServer()

let prefixes = 0

async function setUp() {
  const keyPrefix = `evicted-hash-${++prefixes}:`
  let clock = START_MS
  const provider = createRedisProvider({ url: redis.url, keyPrefix, storeClock: () => clock, onError: () => {} })
  await provider.ready()
  const admin = createClient({ url: redis.url })
  await admin.connect()
  /** A running job whose lease lapses `leaseMs` from now, with one stored batch. */
  const running = async (id: string, leaseMs: number, createOptions: CreateOptions = {}) => {
    const { record: job } = await provider.create(newJob({ id, userId: 'u1', lease: { instanceId: 'lost', epoch: 1, expiresAt: 0 } }), { leaseMs, ...createOptions })
    await appendAccepted(provider, job.id, [statusEvent(1), textEvent(2, 0, 'partial')])
    return job
  }
  const evict = async (id: string) => expect(await admin.del(`${keyPrefix}job:${id}`)).toBe(1)
  const keys = async () => (await admin.keys(`${keyPrefix}*`)).sort()
  const close = async () => {
    await admin.close()
    await provider.dispose()
  }
  onTestFinished(close)
  return { provider, keyPrefix, running, evict, keys, setClock: (at: number) => clock = at }
}

describe('redis provider: a running job whose hash was evicted', () => {
  it('does not hide the expired leases of real jobs from the recovery scan, nor count as active', async () => {
    const { provider, running, evict, setClock } = await setUp()
    // Two lost owners: the evicted job's lease lapsed first, so it sorts first.
    await running('evicted-1', 1_000)
    await running('evicted-2', 1_500)
    const real = await running('real', 2_000)
    await evict('evicted-1')
    await evict('evicted-2')
    setClock(START_MS + 10_000)
    expect((await provider.listExpiredLeases(2)).map(job => job.id)).toEqual([real.id])
    expect(await provider.countActive()).toBe(1)
    expect(await provider.heartbeatInstance('i1', 30_000)).toMatchObject({ instances: 1, activeJobs: 1 })
  })

  it('its owner\'s next append, or heartbeat, takes what is left of it away', async () => {
    const { provider, keyPrefix, running, evict, keys } = await setUp()
    await running('appending', 60_000)
    await running('waiting', 60_000)
    await evict('appending')
    await evict('waiting')
    expect(await provider.appendEvents('appending', [textEvent(3, 7, '!')], { epoch: 1 })).toEqual({ ok: false, reason: 'not-found', lastSeq: 0 })
    expect(await provider.heartbeatLease('waiting', { instanceId: 'lost', epoch: 1, expiresAt: 0 }, 15_000)).toBe(false)
    expect(await provider.countActive()).toBe(0)
    // The user's own entries cannot be found without the hash (it held the user id); the recent
    // changes expire by themselves.
    expect(await keys()).toEqual([`${keyPrefix}active:u1`, `${keyPrefix}changed:u1`, `${keyPrefix}user:u1`])
  })

  it('holds none of its user\'s maxConcurrentJobsPerUser slots: the user can still create jobs', async () => {
    const { provider, running, evict } = await setUp()
    await running('evicted-1', 60_000)
    await running('evicted-2', 60_000)
    const kept = await running('kept', 60_000)
    await evict('evicted-1')
    await evict('evicted-2')
    // Nothing of the lost jobs names the user any more, and nothing ever removes them from the
    // user's set: counted there, they would hold the user at the limit for good.
    const created = await provider.create(newJob({ userId: 'u1' }), { maxActivePerUser: 2 })
    expect(created.created).toBe(true)
    await expect(provider.create(newJob({ userId: 'u1' }), { maxActivePerUser: 2 })).rejects.toMatchObject({ name: 'ActiveLimitError', scope: 'user', limit: 2 })
    expect(await provider.countActive({ userId: 'u1' })).toBe(2)
    expect((await provider.list({ userId: 'u1', status: ['queued', 'running'] })).map(job => job.id).sort()).toEqual([created.record.id, kept.id].sort())
  })

  it('holds none of its client address\'s maxConcurrentAnonymousJobsPerAddress slots, and is forgotten there', async () => {
    const { provider, running, evict, keyPrefix, keys } = await setUp()
    const perAddress = { maxActivePerAddress: { address: '198.51.100.7', limit: 2 } }
    await running('evicted-1', 60_000, perAddress)
    await running('evicted-2', 60_000, perAddress)
    await evict('evicted-1')
    await evict('evicted-2')
    // Lost jobs name no address any more; counted, they would hold every anonymous client of it for good.
    expect((await provider.create(newJob({ userId: 'anon-1' }), perAddress)).created).toBe(true)
    expect((await provider.create(newJob({ userId: 'anon-2' }), perAddress)).created).toBe(true)
    await expect(provider.create(newJob({ userId: 'anon-3' }), perAddress)).rejects.toMatchObject({ name: 'ActiveLimitError', scope: 'address', limit: 2 })
    expect(await provider.countActive()).toBe(2)
    expect(await keys()).toContain(`${keyPrefix}active-address:198.51.100.7`)
  })
})
