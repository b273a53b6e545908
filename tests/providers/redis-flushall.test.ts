/**
 * A job whose keys vanish while it runs (`FLUSHALL`, a key evicted, a restart without its data
 * that the pub/sub connection did not notice): its owner learns it at its next write or lease
 * heartbeat, and a follower on another instance is told too, at that moment — not left waiting for
 * events that will never come.
 */
import { createClient } from 'redis'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { appendAccepted, createJob, statusEvent, textEvent } from './contract-fixtures'

const redis = useRedisServer()

let prefixes = 0

async function twoInstances() {
  const keyPrefix = `flushed-${++prefixes}:`
  const owner = createRedisProvider({ url: redis.url, keyPrefix, onError: () => {} })
  const remote = createRedisProvider({ url: redis.url, keyPrefix, onError: () => {} })
  // Closed however the test ends: a failed assertion must not leave their connections open.
  onTestFinished(async () => {
    await Promise.all([owner.dispose(), remote.dispose()])
  })
  await Promise.all([owner.ready(), remote.ready()])
  const job = await createJob(owner, { lease: { instanceId: 'owner', epoch: 1, expiresAt: Date.now() + 60_000 } })
  await appendAccepted(owner, job.id, [statusEvent(1)])
  const received: number[] = []
  let gone = 0
  // As the engine's remote feed does: let go of the subscription once told the job is gone.
  const unsubscribe = remote.subscribe(job.id, events => received.push(...events.map(event => event.seq)), { afterSeq: 0, onGone: () => {
    gone++
    unsubscribe()
  } })
  await remote.settled()
  const admin = createClient({ url: redis.url })
  try {
    await admin.connect()
    await admin.flushAll()
  }
  finally {
    await admin.close().catch(() => {})
  }
  return { owner, remote, job, received, gone: () => gone }
}

describe('redis provider: a job flushed away while it runs', () => {
  it('its owner\'s next append is refused not-found and a follower on another instance is told it is gone', async () => {
    const { owner, remote, job, received, gone } = await twoInstances()
    expect(await owner.appendEvents(job.id, [textEvent(2, 0, 'lost')], { epoch: 1 })).toEqual({ ok: false, reason: 'not-found', lastSeq: 0 })
    await remote.settled()
    expect(gone()).toBe(1)
    expect(received).toEqual([1])
    expect(remote.followers()).toBe(0)
  })

  it('a job that appends nothing (waiting for an answer): the owner\'s lease heartbeat tells the follower', async () => {
    const { owner, remote, job, gone } = await twoInstances()
    expect(await owner.heartbeatLease(job.id, { instanceId: 'owner', epoch: 1, expiresAt: 0 }, 15_000)).toBe(false)
    await remote.settled()
    expect(gone()).toBe(1)
    expect(remote.followers()).toBe(0)
  })
})
