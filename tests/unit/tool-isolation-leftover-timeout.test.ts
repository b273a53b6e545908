/**
 * An interval a call left running (it does not hold its worker: leftovers.ts) that later blocks
 * the thread makes the call running then in that worker time out — a call of another tool or job
 * that did nothing wrong. Its error said only `Tool "wait" timed out`, blaming it, and nobody could
 * tell which tool to fix. The worker now marks, in the call's shared gate, while a timer an earlier
 * call left behind runs its callback; a time limit that passes meanwhile names that tool.
 * Real worker threads.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import type { ToolIsolation } from '../../server/lib/isolation/tool-pool'
import { createFakeRunContext } from '../support/fake-run-context'
import { useIsolationPools } from '../support/isolation-pools'
import { ISOLATION_TEST_TOOLS } from '../support/isolation-tools'
import { recordingLogger } from '../support/recording-logger'
import { createStepModel } from '../support/step-model'

const pools = useIsolationPools()
const markers = mkdtempSync(join(tmpdir(), 'bgjobs-isolation-leftover-timeout-'))
afterAll(() => rmSync(markers, { recursive: true, force: true }))

/** A run whose pool writes `marker` when a worker starts a call of `arming` (the leftover interval then spins). */
function runArming(marker: string, toolTimeoutMs: number, arming = 'wait') {
  const config = resolveConfig({ tools: { isolated: 'spin_later,wait,honour_signal,import_hangs' }, isolation: { maxWorkers: 1, minWorkers: 1 }, limits: { toolTimeoutMs } })
  const pool = pools.pool(config)
  const isolation: ToolIsolation = {
    ...pool,
    run: (call, signal, started, onWaiting) => pool.run(call, signal, () => {
      if (call.name === arming) writeFileSync(marker, 'go')
      started?.()
    }, onWaiting),
  }
  const run = createFakeRunContext({ model: createStepModel([]), tools: ISOLATION_TEST_TOOLS, config, isolation })
  const { logger, lines } = recordingLogger()
  run.context.logger = logger
  return { ...run, pool, lines }
}

/** The warnings that name a tool whose leftover made another call time out. */
const leftoverWarnings = (lines: ReturnType<typeof recordingLogger>['lines']) => lines.filter(line => line.fields?.leftoverOf !== undefined)

it('a later call timed out while an earlier call\'s leftover interval blocked its worker: the error names that tool', async () => {
  const marker = join(markers, 'spin')
  const run = runArming(marker, 500)
  const first = await executeToolCall(run.context, { id: 's1', name: 'spin_later', args: JSON.stringify({ marker }), step: 1 })
  expect(first).toMatchObject({ status: 'completed', result: { answered: true } })
  // The same worker (one) takes the next call; once it has started it, the interval spins.
  const innocent = await executeToolCall(run.context, { id: 'w1', name: 'wait', args: '{"ms":60000}', step: 1 })
  expect(innocent).toMatchObject({
    status: 'timeout',
    error: 'Tool "wait" timed out after 500 ms while its isolation worker was running an interval or timer that an earlier call of "spin_later" left running there (not this call\'s own work); the worker was replaced',
  })
  // The operator's to see too (not only the model's and the job's): the tool to fix, not the one counted as timed out.
  expect(leftoverWarnings(run.lines)).toEqual([{
    level: 'warn',
    message: 'isolated tool "wait" timed out while its worker ran an interval or timer that an earlier call of "spin_later" left running there; its worker was replaced',
    fields: { tool: 'wait', jobId: run.context.jobId, callId: 'w1', leftoverOf: 'spin_later' },
  }])
  expect(run.context.timers.size).toBe(0)
  await expect.poll(() => run.pool.stats().calls).toBe(0)
})

it('a call whose worker had not called execute yet (its file still loading) when that leftover blocked it: not run, and its file not blamed', async () => {
  const marker = join(markers, 'spin-loading')
  const run = runArming(marker, 500, 'import_hangs')
  await executeToolCall(run.context, { id: 's3', name: 'spin_later', args: JSON.stringify({ marker }), step: 1 })
  // Its file's import never settles: the worker yields, and the interval (now armed) spins.
  const notRun = await executeToolCall(run.context, { id: 'i1', name: 'import_hangs', args: '{}', step: 1 })
  expect(notRun).toMatchObject({
    status: 'timeout',
    error: 'Tool "import_hangs" was not run: its time limit of 500 ms passed while its isolation worker was running an interval or timer that an earlier call of "spin_later" left running there (not this call\'s own work); the worker was replaced',
    durationMs: 0,
  })
  expect(leftoverWarnings(run.lines)).toMatchObject([{ fields: { tool: 'import_hangs', callId: 'i1', leftoverOf: 'spin_later' } }])
  expect(run.context.timers.size).toBe(0)
  await expect.poll(() => run.pool.stats().calls).toBe(0)
})

it('a call that times out on its own work in a worker where a harmless interval runs is not blamed on it', async () => {
  const marker = join(markers, 'never')
  const run = runArming(join(markers, 'unused'), 300)
  await executeToolCall(run.context, { id: 's2', name: 'spin_later', args: JSON.stringify({ marker }), step: 1 })
  const own = await executeToolCall(run.context, { id: 'w2', name: 'honour_signal', args: '{}', step: 1 })
  expect(own).toMatchObject({ status: 'timeout', error: 'Tool "honour_signal" timed out after 300 ms' })
  expect(leftoverWarnings(run.lines)).toEqual([])
})
