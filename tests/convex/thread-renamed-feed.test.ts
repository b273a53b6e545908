/**
 * A rename stored through instance A reaches the user's notification stream on B through
 * `feed:userChanges` (`renames`), once; A's own stream gets it once too (told at once, the feed's
 * copy dropped by its rename id). B's backlog keeps the thread's last rename, none once the thread
 * is deleted.
 */
import { afterEach, beforeEach, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { expectRenameAcrossInstances } from '../support/rename-across-instances'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

it('a rename stored through A reaches B\'s stream once, and B\'s backlog keeps the last one until the thread is deleted', async () => {
  const backend = createBackend()
  const a = createEngineNode(backend, { instanceId: 'A', config })
  const b = createEngineNode(backend, { instanceId: 'B', config })
  // A feed hands a rename on after a query result: a turn of the (fake) timers lets it run.
  const settle = async () => {
    for (const node of [a, b]) await node.facade.settled()
    await vi.advanceTimersByTimeAsync(0)
    for (const node of [a, b]) await node.facade.settled()
  }
  await expectRenameAcrossInstances(a.engine, b.engine, settle, async (jobId) => {
    await vi.advanceTimersByTimeAsync(2_000)
    await a.engine.whenSettled(jobId)
  })
  await Promise.all([a.engine.dispose(), b.engine.dispose()])
})
