/**
 * `process.reallyExit()` — Node's internal exit, which `process.exit` calls — in an isolated tool.
 * In a worker thread it ends the thread quietly, and the pool (tinypool) has no handler for a
 * thread that exits without an error: the call waited for its whole time limit and read `timeout`.
 * Guarded as `process.exit` is: the call that asked fails at once, the worker goes on.
 */
import { expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { useIsolationPools } from '../support/isolation-pools'

const pools = useIsolationPools()
let callCount = 0

it('process.reallyExit in a tool fails its own call at once (also from its timers); the worker goes on', async () => {
  // A short limit: without the guard the call ends `timeout` once it passes (a failure, not a hang).
  const run = pools.run(resolveConfig({ tools: { isolated: 'exit,thread_id', errorMessages: 'all' }, limits: { toolTimeoutMs: 3_000 }, isolation: { maxWorkers: 1, minWorkers: 1 } }))
  const call = (name: string, args: unknown = {}) => executeToolCall(run.context, { id: `call-${++callCount}`, name, args, step: 1 })
  const worker = ((await call('thread_id')).result as { threadId: number }).threadId
  expect(await call('exit', { via: 'reallyExit' })).toMatchObject({ status: 'error', error: expect.stringContaining('process.reallyExit(3) is not allowed in an isolated tool; throw an error instead') })
  expect(await call('exit', { via: 'reallyExit', when: 'timer' })).toMatchObject({ status: 'error', error: expect.stringContaining('process.reallyExit(4) is not allowed') })
  // Asked for by a call that already answered: ignored, as process.exit is.
  expect(await call('exit', { via: 'reallyExit', when: 'after' })).toMatchObject({ status: 'completed', result: { answered: true } })
  expect(((await call('thread_id')).result as { threadId: number }).threadId).toBe(worker)
})
