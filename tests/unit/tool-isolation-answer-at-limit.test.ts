/**
 * An isolated call whose worker answered within the tool's time limit, but whose answer the server
 * reads in the same turn as — just after — its own time limit (the answer crosses on another
 * channel, read in a later phase of the event loop than timers): the worker had marked the answer
 * posted (ANSWER_POSTED_SLOT), so it is on its way and must be used, not read as a timeout (and the
 * worker, which answered, is not terminated). Here the answer is held back until the server's time
 * limit (fake timers) has passed, then let through.
 */
import { afterEach, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { useMetrics } from '../../server/lib/metrics'
import { releaseHeld } from '../support/held-broadcast-channel'
import { useIsolationPools } from '../support/isolation-pools'

/** The pool's answers the test holds back, to be read at its chosen moment. */
const channel = vi.hoisted(() => ({ hold: false, held: [] as Array<() => void> }))
vi.mock('node:worker_threads', async original =>
  (await import('../support/held-broadcast-channel')).withHeldMessages(await original(), channel, data => !!data?.answer))

const pools = useIsolationPools()

afterEach(() => {
  vi.useRealTimers()
  releaseHeld(channel)
})

it('an answer posted within the time limit and read just after the server\'s limit passed is used', async () => {
  const stopped = () => useMetrics().snapshot().counters['isolated_calls_stopped_total{reason="signal"}'] ?? 0
  const before = stopped()
  const run = pools.run(resolveConfig({ tools: { isolated: 'echo' }, limits: { toolTimeoutMs: 5_000 }, isolation: { maxWorkers: 1, minWorkers: 1 } }))
  // The server's time limit (a timer of the run's TimerSet) runs on fake time.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  channel.hold = true
  const outcome = executeToolCall(run.context, { id: 'call-1', name: 'echo', args: { text: 'in time' }, step: 1 })
  // The worker answered (its start report, read before, armed the server's time limit).
  while (channel.held.length === 0) await new Promise(resolve => setImmediate(resolve))
  await vi.advanceTimersByTimeAsync(5_000)
  channel.hold = false
  for (const read of channel.held.splice(0)) read()
  expect(await outcome).toMatchObject({ status: 'completed', result: { text: 'in time' } })
  expect(stopped()).toBe(before)
})
