/**
 * An isolated call's execution time starts when a worker takes it from the queue (durationMs is the
 * run, not the wait: tool-isolation-queue-wait.test.ts). A call its job's abort cuts off counts the
 * time it ran in `tool_execution_time_ms` as the abort comes (c532dbde) — none while it still
 * waited for a worker: it never ran. The executor on fake timers, with a fake pool.
 */
import { afterEach, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { JobAbortedError } from '../../server/lib/errors'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { defineTool } from '../../server/utils/define-tool'
import { createFakeRunContext } from '../support/fake-run-context'
import { createQueuedPool } from '../support/queued-isolation-pool'
import { createStepModel } from '../support/step-model'

const render = defineTool({ name: 'render', description: 'Renders', parameters: z.object({}), isolation: 'worker', timeoutMs: 60_000, execute: () => 'rendered' })

afterEach(() => {
  vi.useRealTimers()
})

/** A call of `render` on a fake pool, cut off after waiting `waitedMs` in its queue and running `ranMs` (none: never taken). */
async function cutOff(waitedMs: number, ranMs: number | null) {
  vi.useFakeTimers()
  const pool = createQueuedPool()
  const fake = createFakeRunContext({ model: createStepModel([]), tools: [render], config: { isolation: { queueTimeoutMs: 600_000 } }, isolation: pool.isolation })
  const outcome = executeToolCall(fake.context, { id: 'r1', name: 'render', args: '{}', step: 1 }).catch((error: unknown) => error)
  await vi.advanceTimersByTimeAsync(waitedMs)
  if (ranMs !== null) {
    pool.queued[0]!.started()
    await vi.advanceTimersByTimeAsync(ranMs)
  }
  fake.abort()
  const metrics = { ...fake.metrics }
  expect(await outcome).toBeInstanceOf(JobAbortedError)
  return metrics
}

it('counts the time a worker ran the call, not its wait in the queue', async () => {
  expect(await cutOff(5_000, 2_000)).toMatchObject({ tool_call_count: 1, tool_execution_time_ms: 2_000 })
})

it('counts no time for a call still waiting for a worker', async () => {
  // Before: 5000, the wait read as execution.
  expect(await cutOff(5_000, null)).toMatchObject({ tool_call_count: 1, tool_execution_time_ms: 0 })
})
