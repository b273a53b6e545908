/**
 * A workflow tool node may pass its arguments as an object built by code, not as the model's JSON
 * text. An isolated tool's worker gets its arguments as JSON (docs/tool-isolation.md): a function in that
 * object is left out, as JSON and in-process zod leave it out, so the call ends as it does
 * in-process. It used to be structured-cloned: the clone threw, and the call ended `Tool "echo"
 * stopped its isolation worker: () => 1 could not be cloned.`, counted as a stopped worker.
 * Real worker threads.
 */
import { expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { useMetrics } from '../../server/lib/metrics'
import { useIsolationPools } from '../support/isolation-pools'

const pools = useIsolationPools()

function run(isolated: boolean) {
  const config = resolveConfig({ isolation: { maxWorkers: 1, minWorkers: 1 }, tools: { isolated: isolated ? 'echo' : '' } })
  return pools.run(config)
}

function stoppedWorkers(): number {
  return Object.entries(useMetrics().snapshot().counters).filter(([key]) => key.startsWith('isolated_calls_stopped_total')).reduce((sum, [, value]) => sum + value, 0)
}

it('an object with a function in it: the isolated call ends as in-process (the function left out), and no worker counts as stopped', async () => {
  const args = { text: 'from a node', format: () => 'not data' }
  const inProcess = await executeToolCall(run(false).context, { id: 'n1', name: 'echo', args, step: 1 })
  expect(inProcess).toMatchObject({ status: 'completed', result: { text: 'from a node' } })
  const before = stoppedWorkers()
  const isolated = await executeToolCall(run(true).context, { id: 'n1', name: 'echo', args, step: 1 })
  expect({ ...isolated, durationMs: 0 }).toEqual({ ...inProcess, durationMs: 0 })
  expect(stoppedWorkers()).toBe(before)
})

// The rule that follows from "JSON only" (it used to be cloned, BigInt included): pinned, not a fault it fixes.
it('an object with no JSON form (a BigInt): the isolated call ends with an Invalid arguments error, before any worker', async () => {
  const outcome = await executeToolCall(run(true).context, { id: 'n2', name: 'echo', args: { text: 'x', count: 1n }, step: 1 })
  expect(outcome).toMatchObject({ status: 'error', durationMs: 0, error: expect.stringContaining('Invalid arguments for tool "echo": arguments have no JSON form (') })
})
