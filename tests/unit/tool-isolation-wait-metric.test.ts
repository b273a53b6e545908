/**
 * `tool_isolation_wait_ms{tool,outcome}` (docs/metrics.md): how long an isolated call waited for a worker,
 * observed once per call — when a worker starts it (`started`), or when it leaves the queue without
 * one (`queue-timeout`, `yielded`, `aborted`). A call refused at once (`queue-full`) never waited and
 * is not timed; an in-process tool never waits. The pool is a fake whose calls start and answer when
 * the test says; fake timers move the monotonic clock.
 */
import { afterEach, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { IsolationQueueFullError, IsolationQueueYieldedError } from '../../server/lib/isolation/errors'
import { useMetrics } from '../../server/lib/metrics'
import { defineTool } from '../../server/utils/define-tool'
import { createFakeRunContext } from '../support/fake-run-context'
import { createQueuedPool } from '../support/queued-isolation-pool'
import { createStepModel } from '../support/step-model'

const render = defineTool({ name: 'render', description: 'Renders', parameters: z.object({}), isolation: 'worker', timeoutMs: 1_000, execute: () => 'rendered' })
const inline = defineTool({ name: 'inline', description: 'Runs here', parameters: z.object({}), execute: () => 'done' })

function run(name = 'render') {
  const pool = createQueuedPool()
  const fake = createFakeRunContext({ model: createStepModel([]), tools: [render, inline], config: { isolation: { queueTimeoutMs: 30_000 } }, isolation: pool.isolation })
  const outcome = executeToolCall(fake.context, { id: 'c1', name, args: '{}', step: 1 })
  return { ...fake, ...pool, outcome }
}

/** The series of the histogram, by `outcome` (tool `render`): count and sum. */
function waits() {
  const histograms = useMetrics().snapshot().histograms
  return Object.fromEntries(Object.entries(histograms)
    .filter(([key]) => key.startsWith('tool_isolation_wait_ms{'))
    .map(([key, series]) => [key.slice('tool_isolation_wait_ms'.length), { count: series.count, sum: series.sum, le1000: series.buckets['1000'] }]))
}

afterEach(() => {
  vi.useRealTimers()
})

it('observes the wait of a call a worker started, once, not its run', async () => {
  useMetrics().reset()
  vi.useFakeTimers()
  const { queued, outcome } = run()
  await vi.advanceTimersByTimeAsync(2_000)
  queued[0]!.started()
  // A second report (a retry's) changes nothing.
  queued[0]!.started()
  await vi.advanceTimersByTimeAsync(500)
  queued[0]!.answer('rendered')
  expect(await outcome).toMatchObject({ status: 'completed' })
  expect(waits()).toEqual({ '{outcome="started",tool="render"}': { count: 1, sum: 2_000, le1000: 0 } })
})

it('observes a call no worker started within isolation.queueTimeoutMs as queue-timeout', async () => {
  useMetrics().reset()
  vi.useFakeTimers()
  const { outcome } = run()
  await vi.advanceTimersByTimeAsync(30_000)
  expect(await outcome).toMatchObject({ status: 'error' })
  expect(waits()).toEqual({ '{outcome="queue-timeout",tool="render"}': { count: 1, sum: 30_000, le1000: 0 } })
})

it('observes a call that gave its place to another user\'s as yielded, and one whose job ended while it waited as aborted', async () => {
  useMetrics().reset()
  vi.useFakeTimers()
  const yielded = run()
  await vi.advanceTimersByTimeAsync(300)
  yielded.queued[0]!.fail(new IsolationQueueYieldedError('render', 32))
  expect(await yielded.outcome).toMatchObject({ status: 'error' })
  const aborted = run()
  await vi.advanceTimersByTimeAsync(700)
  aborted.abort('stopped by its user')
  await expect(aborted.outcome).rejects.toThrow('stopped by its user')
  expect(waits()).toEqual({
    '{outcome="yielded",tool="render"}': { count: 1, sum: 300, le1000: 1 },
    '{outcome="aborted",tool="render"}': { count: 1, sum: 700, le1000: 1 },
  })
})

it('does not time a call refused at once (queue-full), nor a tool that runs in-process', async () => {
  useMetrics().reset()
  vi.useFakeTimers()
  const full = run()
  await vi.advanceTimersByTimeAsync(0)
  full.queued[0]!.fail(new IsolationQueueFullError('render', 32))
  expect(await full.outcome).toMatchObject({ status: 'error' })
  expect(await run('inline').outcome).toMatchObject({ status: 'completed' })
  expect(waits()).toEqual({})
})
