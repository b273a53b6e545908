/**
 * An isolated tool call counts in the job's `tool_call_count` as it starts, as an in-process one
 * does (job-end-cut-off-tool-call.test.ts): one its job's abort cuts off while a worker runs it is
 * in the metrics the job's end is written from, at the abort. Before, it was counted only once its
 * worker's answer came back, so the aborted job said one call fewer than it made.
 */
import { expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { JobAbortedError } from '../../server/lib/errors'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { useIsolationPools } from '../support/isolation-pools'

const pools = useIsolationPools()

it('an isolated call cut off by its job\'s abort is counted when the abort comes', async () => {
  const run = pools.run(resolveConfig({ tools: { isolated: 'honour_signal' }, isolation: { maxWorkers: 1, minWorkers: 1 }, limits: { toolTimeoutMs: 60_000 } }))
  const outcome = executeToolCall(run.context, { id: 'call-1', name: 'honour_signal', args: {}, step: 1 }).then(() => 'settled', (error: unknown) => error)
  // Taken by the pool (its worker runs it, or is about to).
  await expect.poll(() => run.isolation.stats().calls).toBe(1)
  run.abort()
  // What the job's end would be written from, at the abort.
  expect(run.metrics.tool_call_count).toBe(1)
  expect(await outcome).toBeInstanceOf(JobAbortedError)
  expect(run.metrics.tool_call_count).toBe(1)
})
