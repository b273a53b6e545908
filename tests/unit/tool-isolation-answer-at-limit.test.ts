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
import { useIsolationPools } from '../support/isolation-pools'

/** Answers the pool has not read yet (held, to be read at the test's chosen moment). */
const held: Array<() => void> = []
let holdAnswers = false

vi.mock('node:worker_threads', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:worker_threads')>()
  /** The pool's answer channel, whose answers the test can hold back. */
  class HeldChannel extends original.BroadcastChannel {}
  const handler = Object.getOwnPropertyDescriptor(original.BroadcastChannel.prototype, 'onmessage')!
  Object.defineProperty(HeldChannel.prototype, 'onmessage', {
    get() {
      return handler.get!.call(this)
    },
    set(listener: ((event: { data?: { answer?: unknown } }) => void) | null) {
      handler.set!.call(this, listener && ((event: { data?: { answer?: unknown } }) => {
        if (holdAnswers && event.data?.answer) held.push(() => listener(event))
        else listener(event)
      }))
    },
  })
  return { ...original, BroadcastChannel: HeldChannel }
})

const pools = useIsolationPools()

afterEach(() => {
  vi.useRealTimers()
  holdAnswers = false
  held.splice(0)
})

it('an answer posted within the time limit and read just after the server\'s limit passed is used', async () => {
  const stopped = () => useMetrics().snapshot().counters['isolated_calls_stopped_total{reason="signal"}'] ?? 0
  const before = stopped()
  const run = pools.run(resolveConfig({ tools: { isolated: 'echo' }, limits: { toolTimeoutMs: 5_000 }, isolation: { maxWorkers: 1, minWorkers: 1 } }))
  // The server's time limit (a timer of the run's TimerSet) runs on fake time.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  holdAnswers = true
  const outcome = executeToolCall(run.context, { id: 'call-1', name: 'echo', args: { text: 'in time' }, step: 1 })
  // The worker answered (its start report, read before, armed the server's time limit).
  while (held.length === 0) await new Promise(resolve => setImmediate(resolve))
  await vi.advanceTimersByTimeAsync(5_000)
  holdAnswers = false
  for (const read of held.splice(0)) read()
  expect(await outcome).toMatchObject({ status: 'completed', result: { text: 'in time' } })
  expect(stopped()).toBe(before)
})
