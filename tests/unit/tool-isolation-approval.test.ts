/**
 * An isolated tool that needs approval (`needsApproval: true`): its worker checks the arguments
 * before a human is asked (the schema never runs in the server's thread), so the approval shows
 * what `execute` will get, and arguments the schema refuses end the call without asking anyone.
 * Real worker threads (the worker entry is bundled once, as Nitro would).
 */
import { expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { useIsolationPools } from '../support/isolation-pools'

const pools = useIsolationPools()

function isolatedRun() {
  const config = resolveConfig({ isolation: { maxWorkers: 1, minWorkers: 1 }, limits: { inputTimeoutMs: 600_000 } })
  return pools.run(config)
}

it('the approval shows the arguments as the worker\'s schema made them (its default included); approved, the tool runs', async () => {
  const run = isolatedRun()
  const outcome = executeToolCall(run.context, { id: 'm1', name: 'guarded_move', args: '{"path":"a.txt"}', step: 1 })
  await expect.poll(() => run.pendingRequestIds().length, { timeout: 10_000, interval: 5 }).toBe(1)
  expect(run.eventsOf('input-request')[0]).toMatchObject({ kind: 'tool-approval', tool: 'guarded_move', args: { path: 'a.txt', overwrite: false } })
  run.answer(run.pendingRequestIds()[0]!, 'approve')
  expect(await outcome).toMatchObject({ status: 'completed', result: { moved: 'a.txt', overwrite: false } })
  expect(run.isolation.stats().calls).toBe(0)
})

it('arguments its schema refuses end the call with the error: nobody is asked', async () => {
  const run = isolatedRun()
  let settled = false
  const calling = executeToolCall(run.context, { id: 'm2', name: 'guarded_move', args: '{"path":5}', step: 1 }).finally(() => {
    settled = true
  })
  // Either it ends, or it waits for a human (which it must not).
  await expect.poll(() => settled || run.pendingRequestIds().length > 0, { timeout: 10_000, interval: 5 }).toBe(true)
  expect(run.eventsOf('input-request')).toEqual([])
  expect(await calling).toMatchObject({ status: 'error', error: expect.stringContaining('Invalid arguments for tool "guarded_move": path:') })
  expect(run.context.timers.size).toBe(0)
})
