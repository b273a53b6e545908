/**
 * A worker the pool loses (terminated at a call's time limit or job abort, replaced for its
 * leftovers, or dead over its heap cap) must be replaced while calls wait for one. tinypool only
 * refills up to `minThreads` then: with `isolation.maxWorkers` above `minWorkers`, a queued call
 * waited for a busy worker — for the whole `isolation.queueTimeoutMs`, then failed "no isolation
 * worker was free" — while the pool ran below its size.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { useIsolationPools } from '../support/isolation-pools'

const context = { userId: 'u', jobId: 'j', threadId: null, step: 1 }

describe('a lost worker is replaced while calls wait', () => {
  const pools = useIsolationPools()

  async function busyPool(heapMb = 128) {
    const config = resolveConfig({ isolation: { maxWorkers: 2, minWorkers: 1, heapMb } })
    const isolation = pools.pool(config)
    const held = new AbortController()
    let busy = 0
    // Holds one worker for the whole test (until `held` is aborted at the end).
    const holding = isolation.run({ name: 'wait', args: { ms: 600_000 }, context, timeoutMs: 600_000 }, held.signal, () => busy++).catch(() => 'stopped')
    await expect.poll(() => busy, { timeout: 10_000, interval: 5 }).toBe(1)
    const release = async () => {
      held.abort(new Error('test over'))
      await holding
    }
    return { isolation, release, busy: () => busy, bump: () => busy++ }
  }

  it('a call terminated at its signal: the queued call starts on a new worker, not after the busy one', async () => {
    const { isolation, release, busy, bump } = await busyPool()
    const stopping = new AbortController()
    const stopped = isolation.run({ name: 'wait', args: { ms: 600_000 }, context, timeoutMs: 600_000 }, stopping.signal, bump).catch(() => 'stopped')
    await expect.poll(busy, { timeout: 10_000, interval: 5 }).toBe(2)
    let queuedStarted = false
    const queued = isolation.run({ name: 'echo', args: { text: 'queued' }, context, timeoutMs: 600_000 }, new AbortController().signal, () => {
      queuedStarted = true
    })
    // The pool has started: one turn of the event loop and the call is in tinypool's queue.
    await new Promise(resolve => setImmediate(resolve))
    stopping.abort(new Error('time limit'))
    expect(await stopped).toBe('stopped')
    await expect.poll(() => queuedStarted, { timeout: 10_000, interval: 5 }).toBe(true)
    expect((await queued).result).toMatchObject({ text: 'queued' })
    await release()
  })

  it('a worker dead over its heap cap: the queued call starts on a new worker, not after the busy one', async () => {
    const { isolation, release } = await busyPool(32)
    const dead = isolation.run({ name: 'hog', args: {}, context, timeoutMs: 600_000 }, new AbortController().signal).catch((error: Error) => error.name)
    let queuedStarted = false
    const queued = isolation.run({ name: 'echo', args: { text: 'queued' }, context, timeoutMs: 600_000 }, new AbortController().signal, () => {
      queuedStarted = true
    })
    expect(await dead).toBe('ToolHeapLimitError')
    await expect.poll(() => queuedStarted, { timeout: 10_000, interval: 5 }).toBe(true)
    expect((await queued).result).toMatchObject({ text: 'queued' })
    await release()
  })
})
