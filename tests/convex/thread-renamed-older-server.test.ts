/**
 * A rolling deploy on Convex: the functions are this version's, and a server of a version before
 * renames crossed instances calls `threads:renameThread` without a `renameId` (it tells its own
 * streams, and its feed reads no renames). The function gives the rename an id of its own, so
 * `feed:userChanges` carries it to the streams of this version's instances too.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { api } from '../../convex/_generated/api'
import { resolveConfig } from '../../server/lib/config'
import { renameSink } from '../support/rename-across-instances'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

it('a rename stored by a server of an earlier version (no renameId) reaches the user\'s stream on this version\'s instance', async () => {
  const backend = createBackend()
  const b = createEngineNode(backend, { instanceId: 'B', config })
  const settle = async () => {
    await b.facade.settled()
    await vi.advanceTimersByTimeAsync(0)
    await b.facade.settled()
  }
  const { job } = await b.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] }, threadId: 't1' })
  await vi.advanceTimersByTimeAsync(2_000)
  await b.engine.whenSettled(job.id)
  const onB = renameSink()
  b.engine.attachNotifications('u1', onB.sink, null)
  await settle()

  // As the older server calls it (through the deployment B's feed follows): no renameId.
  expect(await b.facade.mutation(api.threads.renameThread, { userId: 'u1', threadId: 't1', title: 'Named on the old server' })).toBe(job.id)
  await settle()
  expect(onB.titles()).toEqual(['Named on the old server'])
  expect(onB.jobIds()).toEqual([job.id])
  await b.engine.dispose()
})
