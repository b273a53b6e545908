/**
 * An anonymous client address's active set (`active-address:<address>`,
 * `limits.maxConcurrentAnonymousJobsPerAddress`) holds no member for a job that is over, and no set
 * outlives its jobs: a job dropped because its log was lost leaves it, and a set whose member ended
 * by a path that did not know the address (an older server's append, a job whose hash was evicted)
 * expires once none of its jobs can still be active — before, such sets stayed for good, one key
 * per address ever seen.
 */
import { createClient } from 'redis'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { addressSetLifeMs } from '../../server/lib/providers/redis-create'
import { useRedisServer } from '../support/redis-server'
import { appendAccepted, endEvent, newJob, statusEvent, textEvent, WRITER_LEASE } from './contract-fixtures'

const redis = useRedisServer()
const ADDRESS = '2001:db8:7:7::/64'
const JOB_TIMEOUT_MS = 600_000
const perAddress = { maxActivePerAddress: { address: ADDRESS, limit: 5 } }

let prefixes = 0

async function setup() {
  const keyPrefix = `address-set-${++prefixes}:`
  const provider = createRedisProvider({ url: redis.url, keyPrefix, jobTimeoutMs: JOB_TIMEOUT_MS, onError: () => {} })
  const admin = createClient({ url: redis.url })
  onTestFinished(async () => {
    await admin.close().catch(() => {})
    await provider.dispose()
  })
  await Promise.all([provider.ready(), admin.connect()])
  return { provider, admin, keyPrefix, addressKey: `${keyPrefix}active-address:${ADDRESS}` }
}

describe('redis provider: an address\'s active set', () => {
  it('a job dropped because its log was lost leaves its address\'s set', async () => {
    const { provider, admin, keyPrefix, addressKey } = await setup()
    const { record } = await provider.create(newJob({ userId: 'anon-1', lease: WRITER_LEASE }), perAddress)
    await appendAccepted(provider, record.id, [statusEvent(1), textEvent(2, 0, 'Hi')])
    expect(await admin.sMembers(addressKey)).toEqual([record.id])
    // What an eviction does to one key: the log goes, the hash (which names the address) stays.
    await admin.del(`${keyPrefix}log:${record.id}`)
    expect(await provider.appendEvents(record.id, [textEvent(3, 2, '!')], { epoch: 1 })).toEqual({ ok: false, reason: 'not-found', lastSeq: 0 })
    expect(await admin.exists(addressKey)).toBe(0)
    expect(await admin.keys(`${keyPrefix}*`)).toEqual([])
  })

  it('a set whose member was ended by an append that did not know the address expires', async () => {
    const { provider, admin, keyPrefix, addressKey } = await setup()
    const { record } = await provider.create(newJob({ userId: 'anon-1', lease: WRITER_LEASE }), perAddress)
    const life = await admin.pTTL(addressKey)
    expect(life).toBeGreaterThan(JOB_TIMEOUT_MS)
    expect(life).toBeLessThanOrEqual(addressSetLifeMs(JOB_TIMEOUT_MS))
    // An older server's append script ends the job without reading its address.
    await admin.hDel(`${keyPrefix}job:${record.id}`, 'address')
    await appendAccepted(provider, record.id, [endEvent(1, 'completed')])
    expect(await admin.sMembers(addressKey)).toEqual([record.id])
    expect(await admin.pTTL(addressKey)).toBeGreaterThan(0)
    // Not counted meanwhile: the job is no longer active (create drops it at the limit).
    const one = { maxActivePerAddress: { address: ADDRESS, limit: 1 } }
    expect((await provider.create(newJob({ userId: 'anon-2' }), one)).created).toBe(true)
  })

  it('a set an older server stored without a lifetime gets one at the next job; a longer one is kept', async () => {
    const { provider, admin, addressKey } = await setup()
    await admin.sAdd(addressKey, 'stale-id')
    expect(await admin.pTTL(addressKey)).toBe(-1)
    await provider.create(newJob({ userId: 'anon-1' }), perAddress)
    expect(await admin.pTTL(addressKey)).toBeGreaterThan(JOB_TIMEOUT_MS)
    const longer = addressSetLifeMs(JOB_TIMEOUT_MS) * 2
    await admin.pExpire(addressKey, longer)
    await provider.create(newJob({ userId: 'anon-2' }), perAddress)
    expect(await admin.pTTL(addressKey)).toBeGreaterThan(addressSetLifeMs(JOB_TIMEOUT_MS))
  })
})
