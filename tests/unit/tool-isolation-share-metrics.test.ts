/**
 * What an operator sees of the isolation queue and its share per user (docs/decisions/017, docs/metrics.md):
 * `engine_isolated_calls_waiting` (calls waiting for a worker now), `isolated_share_turns_total`
 * (a worker given to a user under `isolation.maxWorkersPerUser` ahead of an older call of a user
 * holding that many) and `isolated_calls_not_run_total{reason}` (`yielded`: a waiting call gave its
 * place in a full queue to another user's; `queue-full`: refused at once). No label names a user.
 * Tinypool is a fake whose tasks end when the test says: no thread, no timer.
 */
import { expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { IsolatedToolAnswer, IsolatedToolTask } from '../../server/lib/isolation/protocol'
import { createToolIsolation } from '../../server/lib/isolation/tool-pool'
import { useMetrics } from '../../server/lib/metrics'

/** The tasks the fake pool was given, in order, each with how to end it. */
const given: Array<{ task: IsolatedToolTask, end: (answer: IsolatedToolAnswer) => void }> = []

vi.mock('tinypool', () => ({
  Tinypool: class {
    threads = []
    on() {}
    run(task: IsolatedToolTask) {
      return new Promise<IsolatedToolAnswer>(resolve => given.push({ task, end: resolve }))
    }

    async destroy() {}
  },
}))

const call = (userId: string, name: string) => ({ name: 'echo', args: { name }, context: { userId, jobId: name, threadId: null, step: 1 }, timeoutMs: 10_000 })
const nameOf = (index: number) => (given[index]!.task.args as { name: string }).name
const counters = () => {
  const all = useMetrics().snapshot().counters
  return {
    shareTurns: all.isolated_share_turns_total ?? 0,
    yielded: all['isolated_calls_not_run_total{reason="yielded"}'] ?? 0,
    queueFull: all['isolated_calls_not_run_total{reason="queue-full"}'] ?? 0,
  }
}

it('counts the share at work, the places yielded and the calls refused; the gauge shows the calls waiting', async () => {
  useMetrics().reset()
  const config = resolveConfig({ tools: { isolated: 'echo' }, isolation: { maxWorkers: 2, maxQueue: 2, maxWorkersPerUser: 1 } })
  const isolation = createToolIsolation({ workerUrl: () => 'file:///fake-worker.mjs', toolFiles: ['echo'], getConfig: () => config, unavailable: () => null })
  const signal = new AbortController().signal
  const outcomes = new Map<string, Promise<unknown>>()
  const start = (userId: string, name: string) => {
    outcomes.set(name, isolation.run(call(userId, name), signal).then(() => 'answered', (error: Error) => error.name))
  }
  const answer = async (index: number, count: number) => {
    given[index]!.end({ ok: true, json: '"ok"' })
    await vi.waitFor(() => expect(given).toHaveLength(count))
  }
  // alice's round takes both workers (alone, work-conserving), a third call waits; bob's waits too.
  start('alice', 'a1')
  start('alice', 'a2')
  await vi.waitFor(() => expect(given).toHaveLength(2))
  start('alice', 'a3')
  start('bob', 'b1')
  await vi.waitFor(() => expect(isolation.stats()).toMatchObject({ waiting: 2 }))
  expect(counters()).toEqual({ shareTurns: 0, yielded: 0, queueFull: 0 })
  // A worker frees: alice still holds one (the share), so bob's call goes ahead of her older one.
  await answer(0, 3)
  expect(nameOf(2)).toBe('b1')
  expect(counters()).toEqual({ shareTurns: 1, yielded: 0, queueFull: 0 })
  // The queue fills (a4); carol's call takes the place of alice's newest, and alice's next is refused.
  start('alice', 'a4')
  await vi.waitFor(() => expect(isolation.stats()).toMatchObject({ waiting: 2 }))
  start('carol', 'c1')
  start('alice', 'a5')
  expect(await outcomes.get('a4')).toBe('IsolationQueueYieldedError')
  expect(await outcomes.get('a5')).toBe('IsolationQueueFullError')
  expect(counters()).toEqual({ shareTurns: 1, yielded: 1, queueFull: 1 })
  expect(isolation.stats()).toMatchObject({ waiting: 2 })
  // Turns alone (nobody over the share) are not the share at work.
  await answer(1, 4)
  await answer(2, 5)
  expect([nameOf(3), nameOf(4)].sort()).toEqual(['a3', 'c1'])
  await answer(3, 5)
  await answer(4, 5)
  expect(await Promise.all(['a1', 'a2', 'a3', 'b1', 'c1'].map(name => outcomes.get(name)))).toEqual(Array(5).fill('answered'))
  expect(counters()).toEqual({ shareTurns: 1, yielded: 1, queueFull: 1 })
  expect(isolation.stats()).toEqual({ workers: 0, calls: 0, waiting: 0 })
  await isolation.dispose()
})
