/**
 * An isolated call first waits for a free worker. Its time limit measures its run: it starts when
 * a worker takes the call (the worker says so on the answer channel), and the wait before is bounded
 * on its own by `isolation.queueTimeoutMs`, named in the error of a call no worker started in time.
 * The executor side runs on fake timers with a fake pool; the pool side on real worker threads.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { useMetrics } from '../../server/lib/metrics'
import { defineTool } from '../../server/utils/define-tool'
import { createFakeRunContext } from '../support/fake-run-context'
import { useIsolationPools } from '../support/isolation-pools'
import { createQueuedPool } from '../support/queued-isolation-pool'
import { createStepModel } from '../support/step-model'

const render = defineTool({ name: 'render', description: 'Renders', parameters: z.object({}), isolation: 'worker', timeoutMs: 1_000, execute: () => 'rendered' })

function run() {
  const pool = createQueuedPool()
  const fake = createFakeRunContext({ model: createStepModel([]), tools: [render], config: { isolation: { queueTimeoutMs: 30_000 } }, isolation: pool.isolation })
  let settled = false
  const outcome = executeToolCall(fake.context, { id: 'r1', name: 'render', args: '{}', step: 1 }).finally(() => {
    settled = true
  })
  return { ...fake, ...pool, outcome, settled: () => settled }
}

describe('the executor: the time limit starts when a worker starts the call', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a call that waited in the queue longer than its time limit still gets its whole time limit to run', async () => {
    vi.useFakeTimers()
    const { queued, outcome, settled, context } = run()
    await vi.advanceTimersByTimeAsync(5_000)
    expect(settled()).toBe(false)
    expect(queued[0]!.signal.aborted).toBe(false)
    queued[0]!.started()
    await vi.advanceTimersByTimeAsync(999)
    queued[0]!.answer('rendered')
    // durationMs is the run, not the wait.
    expect(await outcome).toMatchObject({ status: 'completed', result: 'rendered', durationMs: 999 })
    expect(context.timers.size).toBe(0)
  })

  it('the time limit counts from the start: a run over it times out, the wait before not counted', async () => {
    vi.useFakeTimers()
    const { queued, outcome, context } = run()
    await vi.advanceTimersByTimeAsync(5_000)
    queued[0]!.started()
    await vi.advanceTimersByTimeAsync(1_000)
    expect(await outcome).toMatchObject({ status: 'timeout', error: 'Tool "render" timed out after 1000 ms', durationMs: 1_000 })
    expect(queued[0]!.signal.aborted).toBe(true)
    expect(context.timers.size).toBe(0)
  })

  it('a call no worker started within isolation.queueTimeoutMs was not run, and says why (isolated_calls_not_run_total{reason="queue-timeout"})', async () => {
    vi.useFakeTimers()
    const notRun = () => useMetrics().snapshot().counters['isolated_calls_not_run_total{reason="queue-timeout"}'] ?? 0
    const before = notRun()
    const { queued, outcome, settled, context } = run()
    await vi.advanceTimersByTimeAsync(29_999)
    expect(settled()).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(await outcome).toMatchObject({
      status: 'error',
      error: 'Tool "render" was not run: no isolation worker was free to start it within 30000 ms (isolation.queueTimeoutMs); try again later',
      durationMs: 0,
    })
    // Its signal fired: the pool takes it out of the queue.
    expect(queued[0]!.signal.aborted).toBe(true)
    expect(context.timers.size).toBe(0)
    expect(notRun() - before).toBe(1)
  })
})

describe('the pool: a worker says when it starts a call', () => {
  const pools = useIsolationPools()

  it('a queued call is started only once the busy worker is free, before its answer', async () => {
    const config = resolveConfig({ isolation: { maxWorkers: 1, minWorkers: 1 } })
    const isolation = pools.pool(config)
    const context = { userId: 'u', jobId: 'j', threadId: null, step: 1 }
    const log: string[] = []
    const signal = new AbortController().signal
    const first = isolation.run({ name: 'wait', args: { ms: 300 }, context, timeoutMs: 10_000 }, signal, () => log.push('first started'))
      .then(() => log.push('first answered'))
    const second = isolation.run({ name: 'echo', args: { text: 'hi' }, context, timeoutMs: 10_000 }, signal, () => log.push('second started'))
      .then(() => log.push('second answered'))
    await Promise.all([first, second])
    expect(log).toEqual(['first started', 'first answered', 'second started', 'second answered'])
  })

  it('a queued call cancelled before any worker started it stopped no worker: isolated_calls_stopped_total counts only the running one', async () => {
    const config = resolveConfig({ isolation: { maxWorkers: 1, minWorkers: 1 } })
    const isolation = pools.pool(config)
    const stopped = () => useMetrics().snapshot().counters['isolated_calls_stopped_total{reason="signal"}'] ?? 0
    const before = stopped()
    const context = { userId: 'u', jobId: 'j', threadId: null, step: 1 }
    const running = new AbortController()
    const waiting = new AbortController()
    let firstStarted = false
    const first = isolation.run({ name: 'wait', args: { ms: 60_000 }, context, timeoutMs: 120_000 }, running.signal, () => {
      firstStarted = true
    }).catch(() => 'stopped')
    const second = isolation.run({ name: 'echo', args: {}, context, timeoutMs: 120_000 }, waiting.signal, () => {}).catch(() => 'cancelled')
    await expect.poll(() => firstStarted, { timeout: 10_000, interval: 5 }).toBe(true)
    waiting.abort(new Error('queue wait over'))
    expect(await second).toBe('cancelled')
    expect(stopped()).toBe(before)
    running.abort(new Error('time limit'))
    expect(await first).toBe('stopped')
    expect(stopped()).toBe(before + 1)
  })
})
