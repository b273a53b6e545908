/**
 * An isolated tool's worker checks the arguments with the tool's schema before it calls `execute`
 * (and, for a tool that needs approval, before anyone is asked). A schema that never returns on
 * the model's arguments (a refine, a transform, a regex that spins) is stopped at the tool's time
 * limit: the call must say its argument check timed out and that the tool was not run — not that
 * the tool timed out — and it is not timed. Real worker threads; a marker file shows the schema
 * was running, a second one that `execute` never was.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { useIsolationPools } from '../support/isolation-pools'

const pools = useIsolationPools()
let markers: string

beforeAll(() => {
  markers = mkdtempSync(join(tmpdir(), 'bgjobs-check-timeout-'))
})
afterAll(() => {
  rmSync(markers, { recursive: true, force: true })
})

function isolatedRun() {
  // A second is ample for a warm worker to reach the schema, even on a busy machine (the marker proves it did).
  const config = resolveConfig({ isolation: { maxWorkers: 1, minWorkers: 1 }, limits: { toolTimeoutMs: 1_000, inputTimeoutMs: 600_000 } })
  return pools.run(config)
}

const expectedError = 'Tool "NAME" was not run: checking its arguments with its parameters schema did not finish within its time limit of 1000 ms (a refine, transform or regex of the schema did not return on these arguments)'

it('a schema that spins before `execute`: the call says its argument check timed out, the tool never ran, and it is not timed', async () => {
  const run = isolatedRun()
  const marker = join(markers, 'run-checking')
  const ran = join(markers, 'run-ran')
  const outcome = await executeToolCall(run.context, { id: 's1', name: 'spin_schema', args: JSON.stringify({ marker, ran }), step: 1 })
  expect(existsSync(marker)).toBe(true)
  expect(existsSync(ran)).toBe(false)
  expect(outcome).toEqual({ id: 's1', name: 'spin_schema', status: 'timeout', error: expectedError.replace('NAME', 'spin_schema'), durationMs: 0 })
  expect(run.context.timers.size).toBe(0)
  await expect.poll(() => run.isolation.stats().calls).toBe(0)
})

it('a schema that spins while a call that needs approval is checked: the same error, and nobody is asked', async () => {
  const run = isolatedRun()
  const marker = join(markers, 'approval-checking')
  const outcome = await executeToolCall(run.context, { id: 's2', name: 'spin_schema_approval', args: JSON.stringify({ marker }), step: 1 })
  expect(existsSync(marker)).toBe(true)
  expect(run.eventsOf('input-request')).toEqual([])
  expect(outcome).toEqual({ id: 's2', name: 'spin_schema_approval', status: 'timeout', error: expectedError.replace('NAME', 'spin_schema_approval'), durationMs: 0 })
})
