/**
 * An isolated call that needs approval runs with exactly the arguments the human approved. Its
 * worker used to parse the model's arguments twice — once for the approval, once to run — so a
 * default or transform that is not the same each time (here a random id) showed the human one
 * value and ran the tool with another. Real worker threads.
 */
import { expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { useIsolationPools } from '../support/isolation-pools'

const pools = useIsolationPools()

async function approvedRun(name: string, args = '{}') {
  const run = pools.run(resolveConfig({ isolation: { maxWorkers: 1, minWorkers: 1 }, limits: { inputTimeoutMs: 600_000 } }))
  const outcome = executeToolCall(run.context, { id: 'r1', name, args, step: 1 })
  await expect.poll(() => run.pendingRequestIds().length, { timeout: 10_000, interval: 5 }).toBe(1)
  const shown = (run.eventsOf('input-request')[0] as { args: { id: string } }).args
  run.answer(run.pendingRequestIds()[0]!, 'approve')
  return { shown, outcome: await outcome }
}

it('needsApproval true (the worker checks the arguments): the tool runs with the id the human approved', async () => {
  const { shown, outcome } = await approvedRun('random_id_approval')
  expect(shown.id).toMatch(/^[\da-f-]{36}$/)
  expect(outcome).toMatchObject({ status: 'completed', result: { id: shown.id } })
})

it('a needsApproval function (the server parses the arguments for it): the same', async () => {
  const { shown, outcome } = await approvedRun('random_id_approval_fn')
  expect(outcome).toMatchObject({ status: 'completed', result: { id: shown.id } })
})

// The approved value holds a Date (z.coerce.date()): it used to be parsed again in the worker, so
// the random id the human approved was not the one the tool ran with.
const DATED = JSON.stringify({ due: '2026-03-01T09:00:00.000Z' })

it('an approved value holding a Date, needsApproval true: the tool runs with the id approved, and gets the Date', async () => {
  const { shown, outcome } = await approvedRun('random_id_dated_approval', DATED)
  expect(shown).toMatchObject({ id: expect.stringMatching(/^[\da-f-]{36}$/), due: '2026-03-01T09:00:00.000Z' })
  expect(outcome).toMatchObject({ status: 'completed', result: { id: shown.id, due: '2026-03-01T09:00:00.000Z' } })
})

it('an approved value holding a Date, a needsApproval function: the same', async () => {
  const { shown, outcome } = await approvedRun('random_id_dated_approval_fn', DATED)
  expect(outcome).toMatchObject({ status: 'completed', result: { id: shown.id, due: '2026-03-01T09:00:00.000Z' } })
})
