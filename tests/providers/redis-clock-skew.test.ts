/**
 * Instances whose clocks disagree, on one real redis-server. Each instance here is an engine over
 * its own Redis provider, both given the same skewed clock (as a machine whose NTP is off would
 * give them): the provider's default path, the one production runs, must judge leases and rate
 * windows by Redis's clock, so a skew of any size neither hands a live job to a second owner nor
 * delays the takeover of a lost one, and a rate window holds across instances.
 */
import { createClient } from 'redis'
import { describe, expect, it } from 'vitest'
import type { JobRunners } from '../../server/lib/engine-types'
import type { RedisJobProvider } from '../../server/lib/providers/redis'
import { chatRequest } from '../support/engine-harness'
import { useRedisEngines } from '../support/redis-engines'

const SKEW_MS = 20_000
const LEASE_MS = 15_000

let prefixes = 0
const { redis, engines } = useRedisEngines()


/** A chat runner that runs until its job is aborted (or the test releases it). */
function createHeldRunner() {
  let release = () => {}
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  const chat: JobRunners['chat'] = async (context) => {
    context.text('working')
    await new Promise<void>((resolve, reject) => {
      void released.then(resolve)
      context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true })
    })
  }
  return { chat, release }
}

/** Two instances on one key prefix, B's clock `offsetMs` off A's (A's is right). */
async function startPair(offsetA: number, offsetB: number) {
  const keyPrefix = `skew-${process.pid}-${++prefixes}:`
  const runner = createHeldRunner()
  const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'instance-a', offsetMs: offsetA, chat: runner.chat })
  const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'instance-b', offsetMs: offsetB, chat: runner.chat })
  return { a, b, runner }
}

/** Redis's clock (epoch ms). */
async function redisTime(): Promise<number> {
  const client = createClient({ url: redis.url })
  await client.connect()
  const [seconds, micros] = await client.sendCommand(['TIME']) as [string, string]
  await client.close()
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)
}

async function leaseOf(provider: RedisJobProvider, id: string) {
  return (await provider.get(id))?.lease
}

describe('redis: instances whose clocks disagree', () => {
  it('an instance whose clock runs 20 s ahead does not take over a job its owner is still running', async () => {
    const { a, b } = await startPair(0, SKEW_MS)
    const { job } = await a.engine.createJob('u1', { request: chatRequest })
    expect(await b.engine.recover()).toBe(0)
    expect(await leaseOf(b.provider, job.id)).toMatchObject({ instanceId: 'instance-a', epoch: 1 })
    expect(await a.provider.heartbeatLease(job.id, (await leaseOf(a.provider, job.id))!, LEASE_MS)).toBe(true)
    await a.engine.abortJob('u1', job.id)
  })

  it('a job created by an instance whose clock runs 20 s behind keeps its owner', async () => {
    const { a, b } = await startPair(-SKEW_MS, 0)
    const { job } = await a.engine.createJob('u1', { request: chatRequest })
    expect(await b.engine.recover()).toBe(0)
    expect(await leaseOf(b.provider, job.id)).toMatchObject({ instanceId: 'instance-a', epoch: 1 })
    await a.engine.abortJob('u1', job.id)
  })

  it('an instance whose clock runs 20 s behind takes over a lost job as soon as its lease lapsed', async () => {
    const { a, b } = await startPair(0, -SKEW_MS)
    const { job } = await a.engine.createJob('u1', { request: chatRequest })
    // A's lease lapses now, as a hand-off at shutdown does (A stops renewing it).
    await a.provider.heartbeatLease(job.id, (await leaseOf(a.provider, job.id))!, 0)
    expect(await b.engine.recover()).toBe(1)
    expect(await leaseOf(b.provider, job.id)).toMatchObject({ instanceId: 'instance-b', epoch: 2 })
  })

  it('counts leases from Redis\'s clock and stamps controls with it, whatever the instance\'s clock says', async () => {
    const { a, b } = await startPair(-SKEW_MS, SKEW_MS)
    const before = await redisTime()
    const { job } = await a.engine.createJob('u1', { request: chatRequest })
    const controlId = await b.provider.sendControl(job.id, { type: 'abort', userId: 'u1' })
    const after = await redisTime()
    const lease = (await leaseOf(b.provider, job.id))!
    expect(lease.expiresAt).toBeGreaterThanOrEqual(before + LEASE_MS)
    expect(lease.expiresAt).toBeLessThanOrEqual(after + LEASE_MS)
    const sent = await new Promise<number>((resolve) => {
      const stop = b.provider.subscribeControls(job.id, (control) => {
        if (control.id !== controlId) return
        stop()
        resolve(control.sentAt)
      }, { fromStart: true })
    })
    expect(sent).toBeGreaterThanOrEqual(before)
    expect(sent).toBeLessThanOrEqual(after)
    await a.engine.abortJob('u1', job.id)
  })

  it('a rate window holds across instances whose clocks differ by more than the window', async () => {
    const { a, b } = await startPair(0, 61_000)
    expect(await a.provider.takeRate('create:u1', 2, 60_000)).toEqual({ ok: true })
    expect(await a.provider.takeRate('create:u1', 2, 60_000)).toEqual({ ok: true })
    expect(await b.provider.takeRate('create:u1', 2, 60_000)).toMatchObject({ ok: false })
  })
})
