/**
 * An isolated tool that honours its signal (a fetch given `ctx.signal`) and is still running at its
 * time limit ends `timeout`, as in-process — whichever thread's timer fires first: the worker's own
 * (its `ctx.signal`), or the server's. Real worker threads.
 */
import { expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { createToolWorker } from '../../server/lib/isolation/worker-runtime'
import { useIsolationPools } from '../support/isolation-pools'
import { ISOLATION_TEST_TOOLS } from '../support/isolation-tools'

const pools = useIsolationPools()

it('a call that honours its signal ends timeout at its time limit, not "failed"', async () => {
  const config = resolveConfig({ tools: { isolated: 'honour_signal' }, isolation: { maxWorkers: 1, minWorkers: 1 }, limits: { toolTimeoutMs: 200 } })
  const fake = pools.run(config)
  const outcome = await executeToolCall(fake.context, { id: 'h1', name: 'honour_signal', args: {}, step: 1 })
  expect(outcome).toMatchObject({ status: 'timeout', error: 'Tool "honour_signal" timed out after 200 ms' })
})

it('the worker answers timeout, not the tool\'s throw, when its own time limit passed first', async () => {
  vi.useFakeTimers()
  try {
    const honour = ISOLATION_TEST_TOOLS.find(tool => tool.name === 'honour_signal')!
    const runTask = createToolWorker([async () => ({ default: honour })])
    const answer = runTask({ file: 0, name: 'honour_signal', args: {}, context: { userId: 'u', jobId: 'j', threadId: null, step: 1 }, timeoutMs: 200 })
    await vi.advanceTimersByTimeAsync(200)
    expect(await answer).toEqual({ ok: false, kind: 'timeout' })
  }
  finally {
    vi.useRealTimers()
  }
})
