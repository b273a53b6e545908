/**
 * The pool starts at the first isolated call, after importing tinypool. A dispose (the server's
 * shutdown) that lands while that import is still on its way must leave nothing behind: no pool
 * started for a server that is going away, and no channel (the fault and answer channels are
 * BroadcastChannels the pool opens) left listening.
 */
import { beforeAll, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { IsolationUnavailableError } from '../../server/lib/isolation/errors'
import { createToolIsolation } from '../../server/lib/isolation/tool-pool'
import { ISOLATION_TEST_TOOL_NAMES } from '../support/isolation-tools'
import type { BuiltIsolationWorker } from '../support/isolation-worker'
import { buildIsolationWorker } from '../support/isolation-worker'

/** BroadcastChannels of this thread opened and not closed. */
const open = new Set<object>()

vi.mock('node:worker_threads', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:worker_threads')>()
  class CountedChannel extends original.BroadcastChannel {
    constructor(name: string) {
      super(name)
      open.add(this)
    }

    override close(): void {
      open.delete(this)
      super.close()
    }
  }
  return { ...original, BroadcastChannel: CountedChannel }
})

let worker: BuiltIsolationWorker
beforeAll(async () => {
  worker = await buildIsolationWorker()
})

it('a dispose while the pool is still starting leaves no channel open and starts no pool', async () => {
  const config = resolveConfig({ tools: { isolated: 'echo' }, isolation: { maxWorkers: 1, minWorkers: 1 } })
  const pool = createToolIsolation({ workerUrl: () => worker.url, toolFiles: ISOLATION_TEST_TOOL_NAMES, getConfig: () => config })
  // The first call starts the pool (its import of tinypool is under way); the shutdown comes now.
  const call = pool.run({ name: 'echo', args: {}, context: { userId: 'u', jobId: 'j', threadId: null, step: 1 }, timeoutMs: 10_000 }, new AbortController().signal)
  const outcome = call.then(() => 'answered', (error: unknown) => error)
  await pool.dispose()
  const error = await outcome
  expect({ openChannels: open.size, workers: pool.stats().workers }).toEqual({ openChannels: 0, workers: 0 })
  expect(error).toBeInstanceOf(IsolationUnavailableError)
})
