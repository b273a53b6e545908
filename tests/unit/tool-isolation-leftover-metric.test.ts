/**
 * A call that timed out because an interval an earlier call left in its worker blocked the thread
 * was counted only under its own tool (`tool_runs_total{tool="wait",status="timeout"}`): an
 * operator's dashboard and alerts blamed the innocent tool, and nothing counted the tool to fix
 * (only a log line named it). `isolated_leftover_blocks_total{tool}` now counts such calls under
 * the tool whose leftover blocked them. Real worker threads.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import type { ToolIsolation } from '../../server/lib/isolation/tool-pool'
import { useMetrics } from '../../server/lib/metrics'
import { createFakeRunContext } from '../support/fake-run-context'
import { useIsolationPools } from '../support/isolation-pools'
import { ISOLATION_TEST_TOOLS } from '../support/isolation-tools'
import { createStepModel } from '../support/step-model'

const pools = useIsolationPools()
const markers = mkdtempSync(join(tmpdir(), 'bgjobs-isolation-leftover-metric-'))
afterAll(() => rmSync(markers, { recursive: true, force: true }))

it('a call timed out by an earlier call\'s leftover interval is counted under the tool that left it', async () => {
  const marker = join(markers, 'spin')
  const config = resolveConfig({ tools: { isolated: 'spin_later,wait,honour_signal' }, isolation: { maxWorkers: 1, minWorkers: 1 }, limits: { toolTimeoutMs: 500 } })
  const pool = pools.pool(config)
  // Once a worker has started the `wait` call, the interval `spin_later` left there spins.
  const isolation: ToolIsolation = { ...pool, run: (call, signal, started, onWaiting) => pool.run(call, signal, () => {
    if (call.name === 'wait') writeFileSync(marker, 'go')
    started?.()
  }, onWaiting) }
  const { context } = createFakeRunContext({ model: createStepModel([]), tools: ISOLATION_TEST_TOOLS, config, isolation })
  const blocks = (tool: string) => useMetrics().snapshot().counters[`isolated_leftover_blocks_total{tool="${tool}"}`] ?? 0
  const before = { spinLater: blocks('spin_later'), wait: blocks('wait') }
  expect(await executeToolCall(context, { id: 's1', name: 'spin_later', args: JSON.stringify({ marker }), step: 1 })).toMatchObject({ status: 'completed' })
  expect(await executeToolCall(context, { id: 'w1', name: 'wait', args: '{"ms":60000}', step: 1 })).toMatchObject({ status: 'timeout' })
  expect({ spinLater: blocks('spin_later'), wait: blocks('wait') }).toEqual({ spinLater: before.spinLater + 1, wait: before.wait })
  // A call that times out on its own work (the new worker runs no leftover) is not counted.
  expect(await executeToolCall(context, { id: 'h1', name: 'honour_signal', args: '{}', step: 1 })).toMatchObject({ status: 'timeout', error: 'Tool "honour_signal" timed out after 500 ms' })
  expect(blocks('spin_later')).toBe(before.spinLater + 1)
  await expect.poll(() => pool.stats().calls).toBe(0)
})
