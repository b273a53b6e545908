/**
 * Connections that go silent without a reset (half-open TCP: the Redis host vanished, a NAT or load
 * balancer forgot the flow) while Redis behind the URL answers new connections. Nothing ever
 * arrives on them again and no close comes until the OS gives the sockets up, minutes later: every
 * command was a 503 after `commandTimeoutMs` and followers heard nothing. The provider probes each
 * connection (`healthCheckMs`), and one that stays silent while a new connection gets Redis's
 * answer is replaced — the pub/sub one subscribed again and its followers caught up, as after a
 * drop. A Redis that is paused or busy (a new connection gets no answer either, also when paused
 * for writes only) is left alone.
 */
import { createClient } from 'redis'
import { describe, expect, it, vi } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer, useTestRedisServer } from '../support/redis-server'
import { startRedisPartitionProxy } from '../support/redis-partition-proxy'
import { appendAccepted, createJob, statusEvent, textEvent } from './contract-fixtures'

/**
 * How long a PING (and a new connection's probe) may wait. The test's proxy and the provider share
 * one event loop, and on a loaded machine a turn of it took over 200 ms: a fresh connection's
 * answer, or the old connection's reply after a pause, came after such a deadline (a connection kept
 * that should go, or replaced that should stay). A second is far above any turn seen.
 */
const TIMEOUT_MS = 1_000
const HEALTH_CHECK_MS = 100

const redis = useRedisServer()

describe('redis provider: connections that went silent without a reset', () => {
  it('are replaced: commands answer again and a follower gets the events written after', async () => {
    const proxy = await startRedisPartitionProxy(redis.url)
    const prefix = 'half-open:'
    const writer = createRedisProvider({ url: redis.url, keyPrefix: prefix, onError: () => {} })
    const errors: string[] = []
    const viewer = createRedisProvider({ url: proxy.url, keyPrefix: prefix, commandTimeoutMs: TIMEOUT_MS, healthCheckMs: HEALTH_CHECK_MS, onError: error => errors.push(String((error as Error)?.message)) })
    try {
      await Promise.all([writer.ready(), viewer.ready()])
      const job = await createJob(writer)
      await appendAccepted(writer, job.id, [statusEvent(1)])
      const received: JobEvent[] = []
      const stop = viewer.subscribe(job.id, events => received.push(...events), { afterSeq: 0 })
      await viewer.settled()
      expect(received.map(event => event.seq)).toEqual([1])

      proxy.blackhole()
      await appendAccepted(writer, job.id, [textEvent(2, 0, 'after the blackhole')])
      // The follower hears of it (its connection replaced, caught up from the stream)…
      await expect.poll(() => received.map(event => event.seq), { timeout: 20_000, interval: 20 }).toEqual([1, 2])
      // …and commands are answered again.
      await expect.poll(() => viewer.get(job.id).then(record => record?.lastSeq, () => null), { timeout: 20_000, interval: 20 }).toBe(2)
      // Live messages reach it on the new connection too.
      await appendAccepted(writer, job.id, [textEvent(3, 19, '!')])
      await viewer.settled()
      expect(received.map(event => event.seq)).toEqual([1, 2, 3])
      // Both connections were replaced, and said so.
      expect(errors.filter(message => /went silent \(half-open\) and is replaced/.test(message))).toHaveLength(2)
      stop()
    }
    finally {
      await Promise.all([writer.dispose(), viewer.dispose()])
      await proxy.close()
    }
  })

  it('are replaced also when the command queue is full (every PING refused at once: the silence decides)', async () => {
    const proxy = await startRedisPartitionProxy(redis.url)
    // The probe's PING waits in the queue too: one sent while the job was created, its reply not
    // yet read at the blackhole (a slow event loop), would take one of the five places. So the
    // probes' clock stands still until the queue is full, then runs with the real one.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const viewer = createRedisProvider({ url: proxy.url, keyPrefix: 'half-open-full:', commandTimeoutMs: TIMEOUT_MS, healthCheckMs: HEALTH_CHECK_MS, maxPendingCommands: 5, onError: () => {} })
    let clock: ReturnType<typeof setInterval> | undefined
    try {
      await viewer.ready()
      const job = await createJob(viewer)
      proxy.blackhole()
      // Requests keep coming: the dead connection's queue fills and stays full.
      const calls = Array.from({ length: 20 }, () => viewer.get(job.id).then(() => null, (error: unknown) => error))
      let clockMs = performance.now()
      clock = setInterval(() => {
        const nowMs = performance.now()
        vi.advanceTimersByTime(nowMs - clockMs)
        clockMs = nowMs
      }, 10)
      const refused = await Promise.all(calls)
      expect(refused.filter(error => /maxPendingCommands/.test(String((error as Error)?.message)))).toHaveLength(15)
      await expect.poll(() => viewer.get(job.id).then(record => record?.id, () => null), { timeout: 20_000, interval: 20 }).toBe(job.id)
    }
    finally {
      clearInterval(clock)
      vi.useRealTimers()
      await viewer.dispose()
      await proxy.close()
    }
  })

  it('are not taken for a paused Redis: a new connection gets no answer either, so the connections are kept', async () => {
    const own = await useTestRedisServer()
    const proxy = await startRedisPartitionProxy(own.url)
    const errors: string[] = []
    const provider = createRedisProvider({ url: proxy.url, keyPrefix: 'paused-probe:', commandTimeoutMs: TIMEOUT_MS, healthCheckMs: HEALTH_CHECK_MS, onError: error => errors.push(String((error as Error)?.message)) })
    try {
      await provider.ready()
      const job = await createJob(provider)
      await appendAccepted(provider, job.id, [statusEvent(1)])
      const received: JobEvent[] = []
      const stop = provider.subscribe(job.id, events => received.push(...events), { afterSeq: 0 })
      await provider.settled()
      const before = proxy.accepted
      process.kill(own.pid, 'SIGSTOP')
      let refused: unknown
      try {
        refused = await appendAccepted(provider, job.id, [textEvent(2, 0, 'sent during the pause')]).then(() => null, (error: unknown) => error)
        // Each connection's probe timed out and tried a new connection (which got no answer) twice.
        await expect.poll(() => proxy.accepted, { timeout: 20_000, interval: 10 }).toBeGreaterThanOrEqual(before + 4)
      }
      finally {
        process.kill(own.pid, 'SIGCONT')
      }
      expect(refused).toBeInstanceOf(ProviderUnavailableError)
      // The append sent during the pause ran once Redis went on, and its message reached the
      // follower on the pub/sub connection it had before.
      await expect.poll(() => received.map(event => event.seq), { timeout: 20_000, interval: 20 }).toEqual([1, 2])
      expect(errors.filter(message => /half-open/.test(message))).toEqual([])
      stop()
    }
    finally {
      await provider.dispose()
      await proxy.close()
      await own.stop()
    }
  })

  it('are not taken for a Redis paused for writes (CLIENT PAUSE WRITE, as in a failover): the new connection\'s PUBLISH waits too', async () => {
    const own = await useTestRedisServer()
    const proxy = await startRedisPartitionProxy(own.url)
    const errors: string[] = []
    const provider = createRedisProvider({ url: proxy.url, keyPrefix: 'write-paused:', commandTimeoutMs: TIMEOUT_MS, healthCheckMs: HEALTH_CHECK_MS, onError: error => errors.push(String((error as Error)?.message)) })
    const admin = createClient({ url: own.url })
    try {
      await Promise.all([provider.ready(), admin.connect()])
      const job = await createJob(provider)
      await appendAccepted(provider, job.id, [statusEvent(1)])
      const before = proxy.accepted
      await admin.sendCommand(['CLIENT', 'PAUSE', '30000', 'WRITE'])
      try {
        // The append waits behind the pause, and the PINGs behind it; reads on the pub/sub connection go on.
        expect(await appendAccepted(provider, job.id, [textEvent(2, 0, 'sent during the pause')]).then(() => null, (error: unknown) => error)).toBeInstanceOf(ProviderUnavailableError)
        await expect.poll(() => proxy.accepted, { timeout: 20_000, interval: 10 }).toBeGreaterThanOrEqual(before + 2)
      }
      finally {
        await admin.sendCommand(['CLIENT', 'UNPAUSE'])
      }
      // The connection was kept: the append sent during the pause ran once Redis took writes again.
      await expect.poll(async () => (await provider.get(job.id))?.lastSeq, { timeout: 20_000, interval: 20 }).toBe(2)
      expect(errors).toEqual([])
    }
    finally {
      await admin.close().catch(() => {})
      await provider.dispose()
      await proxy.close()
      await own.stop()
    }
  })
})
