/**
 * A worker posts a call's answer on the answer channel, then dies (code the call left running
 * posts to its parent). The pool learns of the death through the task's rejection, on another
 * channel, and the two keep no order between them: read first, the death must not fail a call that
 * answered. Here the pool reads the death first every time: the answer is held back until the
 * worker's fatal message has been handled, then let through.
 */
import type { Worker } from 'node:worker_threads'
import { afterEach, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { ANSWER_WAIT_MS } from '../../server/lib/isolation/tool-pool'
import { releaseHeld } from '../support/held-broadcast-channel'
import { useIsolationPools } from '../support/isolation-pools'
import { recordingLogger } from '../support/recording-logger'

/** The pool's answers the test holds back, to be read at its chosen moment. */
const channel = vi.hoisted(() => ({ hold: false, held: [] as Array<() => void> }))
vi.mock('node:worker_threads', async original =>
  (await import('../support/held-broadcast-channel')).withHeldMessages(await original(), channel, data => !!data?.answer))

const context = { userId: 'u', jobId: 'job-race', threadId: null, step: 1 }
const pools = useIsolationPools()
let onWorker: ((worker: Worker) => void) | undefined

afterEach(() => {
  if (onWorker) process.off('worker', onWorker)
  releaseHeld(channel)
})

it('a worker that dies right after posting its answer: the death is read first, the answer is used', async () => {
  const { logger, lines } = recordingLogger()
  // The worker's own messages to the pool: tinypool rejects the task when it handles the stray one.
  onWorker = worker => worker.on('message', (message: { progress?: number }) => {
    if (message?.progress !== 100) return
    // Past tinypool's handler (it ran first): the task's rejection is read before the answer.
    setImmediate(() => {
      channel.hold = false
      for (const read of channel.held.splice(0)) read()
    })
  })
  process.on('worker', onWorker)
  const isolation = pools.pool(resolveConfig({ isolation: { maxWorkers: 1, minWorkers: 1 } }), logger)
  channel.hold = true
  const { result } = await isolation.run({ name: 'post_after', args: {}, context, timeoutMs: 60_000 }, new AbortController().signal)
  expect(result).toEqual({ answered: true })
  await expect.poll(() => lines.find(line => line.fields?.tool === 'post_after'), { timeout: 10_000, interval: 5 }).toMatchObject({
    level: 'warn',
    message: 'isolated tool "post_after" stopped its isolation worker after its call answered (Unexpected message on Worker: { progress: 100 }); its worker died (its answer was used; a new worker takes the next call)',
    fields: { tool: 'post_after', jobId: 'job-race' },
  })
  expect(isolation.stats().calls).toBe(0)
})

it('an answer posted before the death that never arrives fails the call after ANSWER_WAIT_MS, saying so', async () => {
  let died = () => {}
  const death = new Promise<void>(resolve => (died = resolve))
  onWorker = worker => worker.on('message', (message: { progress?: number }) => {
    if (message?.progress !== 100) return
    // Before the pool reads the rejection (tinypool rejected the task in its handler, just before).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    died()
  })
  process.on('worker', onWorker)
  const isolation = pools.pool(resolveConfig({ isolation: { maxWorkers: 1, minWorkers: 1 } }))
  channel.hold = true
  let settled = false
  const outcome = isolation.run({ name: 'post_after', args: {}, context, timeoutMs: 60_000 }, new AbortController().signal)
  void outcome.then(() => (settled = true), () => (settled = true))
  try {
    await death
    // The pool has read the rejection (the wait's timer is set).
    await new Promise(resolve => setImmediate(resolve))
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT_MS - 1)
    expect(settled ? await outcome.catch(String) : false).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await expect(outcome).rejects.toThrow(`Tool "post_after" stopped its isolation worker: it died after posting the call's answer, which did not arrive within ${ANSWER_WAIT_MS} ms (Unexpected message on Worker: { progress: 100 })`)
  }
  finally {
    vi.useRealTimers()
  }
})
