/**
 * A call that arrives while a worker frees takes its place in the queue at once, so the share per
 * user (docs/decisions/017) decides who gets that worker with the newcomer in view. Tinypool is
 * replaced by a fake whose tasks end when the test says, so the order of microtasks — the same on
 * every run — is all that decides, with no thread and no timer.
 */
import { afterEach, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { IsolatedToolAnswer, IsolatedToolTask } from '../../server/lib/isolation/protocol'
import { createToolIsolation } from '../../server/lib/isolation/tool-pool'

/** The tasks the fake pool was given, in order, each with how to end it. */
const given: Array<{ task: IsolatedToolTask, end: (answer: IsolatedToolAnswer) => void }> = []

/** Whether the fake pool fails to start (as tinypool would with a bad option). */
let failStart = false

vi.mock('tinypool', () => ({
  Tinypool: class {
    constructor() {
      if (failStart) throw new Error('cannot start')
    }

    threads = []
    on() {}
    run(task: IsolatedToolTask) {
      return new Promise<IsolatedToolAnswer>(resolve => given.push({ task, end: resolve }))
    }

    async destroy() {}
  },
}))

afterEach(() => {
  given.length = 0
  failStart = false
})

const call = (userId: string, name: string) => ({ name: 'echo', args: { name }, context: { userId, jobId: name, threadId: null, step: 1 }, timeoutMs: 10_000 })

it('a call arriving as a worker frees is in the queue for that worker: the user under the share gets it', async () => {
  const config = resolveConfig({ tools: { isolated: 'echo' }, isolation: { maxWorkers: 1, maxWorkersPerUser: 1 } })
  const isolation = createToolIsolation({ workerUrl: () => 'file:///fake-worker.mjs', toolFiles: ['echo'], getConfig: () => config, unavailable: () => null })
  const signal = new AbortController().signal
  const a1 = isolation.run(call('alice', 'a1'), signal)
  await vi.waitFor(() => expect(given).toHaveLength(1))
  // alice's second call waits in the queue (its `onWaiting` is called as it takes its place).
  let queued!: () => void
  const a2Queued = new Promise<void>(resolve => (queued = resolve))
  const a2 = isolation.run(call('alice', 'a2'), signal, undefined, () => queued())
  await a2Queued
  // alice's first call answers and its worker frees as bob's first call arrives.
  given[0]!.end({ ok: true, json: '"a1"' })
  const b1 = isolation.run(call('bob', 'b1'), signal)
  await a1
  await vi.waitFor(() => expect(given).toHaveLength(2))
  // Bob holds no worker, alice was just served: the free worker is bob's.
  expect((given[1]!.task.args as { name: string }).name).toBe('b1')
  given[1]!.end({ ok: true, json: '"b1"' })
  await vi.waitFor(() => expect(given).toHaveLength(3))
  given[2]!.end({ ok: true, json: '"a2"' })
  expect(await Promise.all([b1, a2])).toEqual([{ result: 'b1', json: '"b1"' }, { result: 'a2', json: '"a2"' }])
  expect(isolation.stats().calls).toBe(0)
  await isolation.dispose()
})

it('calls that come while the pool starts are in the queue: a full one is shared by user from the first call', async () => {
  const config = resolveConfig({ tools: { isolated: 'echo' }, isolation: { maxWorkers: 1, maxQueue: 1, maxWorkersPerUser: 1 } })
  const isolation = createToolIsolation({ workerUrl: () => 'file:///fake-worker.mjs', toolFiles: ['echo'], getConfig: () => config, unavailable: () => null })
  const signal = new AbortController().signal
  const settle = (name: string, userId: string) => isolation.run(call(userId, name), signal).then(() => 'answered', (error: Error) => error.name)
  // One tick: the pool is still starting (tinypool is being imported) when all three arrive.
  const a1 = settle('a1', 'alice')
  const a2 = settle('a2', 'alice')
  const b1 = settle('b1', 'bob')
  // alice held both places: her newest gives its place to bob's call (bob's is not the one refused).
  expect(await Promise.race([a2, b1])).toBe('IsolationQueueYieldedError')
  expect(await a2).toBe('IsolationQueueYieldedError')
  await vi.waitFor(() => expect(given).toHaveLength(1))
  given[0]!.end({ ok: true, json: '"a1"' })
  await vi.waitFor(() => expect(given).toHaveLength(2))
  expect((given[1]!.task.args as { name: string }).name).toBe('b1')
  given[1]!.end({ ok: true, json: '"b1"' })
  expect([await a1, await b1]).toEqual(['answered', 'answered'])
  expect(isolation.stats()).toEqual({ workers: 0, calls: 0, waiting: 0 })
  await isolation.dispose()
})

it('calls waiting for a pool that fails to start fail with its error and leave the queue', async () => {
  failStart = true
  const config = resolveConfig({ tools: { isolated: 'echo' }, isolation: { maxWorkers: 1 } })
  const isolation = createToolIsolation({ workerUrl: () => 'file:///fake-worker.mjs', toolFiles: ['echo'], getConfig: () => config, unavailable: () => null })
  const signal = new AbortController().signal
  const calls = [isolation.run(call('alice', 'a1'), signal), isolation.run(call('bob', 'b1'), signal)]
  for (const outcome of calls) await expect(outcome).rejects.toMatchObject({ name: 'IsolationUnavailableError', message: expect.stringContaining('its worker pool could not start: cannot start') })
  // A later call too, at once.
  await expect(isolation.run(call('carol', 'c1'), signal)).rejects.toMatchObject({ name: 'IsolationUnavailableError' })
  expect(isolation.stats()).toEqual({ workers: 0, calls: 0, waiting: 0 })
  await isolation.dispose()
})
