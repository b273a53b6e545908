/**
 * An isolated tool's worker loads the tool's file before it checks the arguments and calls
 * `execute`. A file whose import never finishes (its top level awaits a service that never
 * answers) is stopped at the tool's time limit: the call must say the tool's file did not finish
 * loading and that the tool was not run — not that the tool timed out — and it is not timed.
 * Real worker threads.
 */
import { expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { useIsolationPools } from '../support/isolation-pools'

const pools = useIsolationPools()

it('a tool file whose import hangs in the worker: the call says it did not finish loading, the tool never ran, and it is not timed', async () => {
  // The time limit starts only once a worker took the call, and the load never ends: any limit shows it.
  const config = resolveConfig({ isolation: { maxWorkers: 1, minWorkers: 1 }, limits: { toolTimeoutMs: 300 } })
  const run = pools.run(config)
  const outcome = await executeToolCall(run.context, { id: 'h1', name: 'import_hangs', args: '{}', step: 1 })
  expect(outcome).toEqual({
    id: 'h1',
    name: 'import_hangs',
    status: 'timeout',
    error: 'Tool "import_hangs" was not run: its file did not finish loading in the isolation worker within its time limit of 300 ms (its top level awaits something that did not settle)',
    durationMs: 0,
  })
  expect(run.eventsOf('tool-result')).toMatchObject([{ id: 'h1', status: 'timeout', durationMs: 0 }])
  expect(run.context.timers.size).toBe(0)
  await expect.poll(() => run.isolation.stats().calls).toBe(0)
})

it('the worker that hung is replaced: the next call of another tool runs', async () => {
  const config = resolveConfig({ isolation: { maxWorkers: 1, minWorkers: 1 }, limits: { toolTimeoutMs: 300 } })
  const run = pools.run(config)
  await executeToolCall(run.context, { id: 'h2', name: 'import_hangs', args: '{}', step: 1 })
  const next = await executeToolCall(run.context, { id: 'e1', name: 'echo', args: '{"text":"after"}', step: 1 })
  expect(next).toMatchObject({ status: 'completed', result: { text: 'after' } })
})
