/**
 * `getState` reads a job's head (type, creation time), not its request: it read the whole record,
 * request included (up to 1 MB, a long chat's history), only for those two fields — on every
 * snapshot of a job another instance runs, and for each `waiting` change a user feed hands on.
 */
import { describe, expect, it } from 'vitest'
import type { ConvexFacade } from '../../server/lib/providers/convex-facade'
import { createBackend, createInstance, newJob, statusEvent, textDeltas } from './backend'

/** Wraps a facade so every query result is counted, in UTF-8 bytes of JSON, by function. */
function countingQueries(bytes: Map<string, number>) {
  return (facade: ConvexFacade): ConvexFacade => ({
    ...facade,
    async query(query, args, options) {
      const result = await facade.query(query, args, options)
      bytes.set(String(query), (bytes.get(String(query)) ?? 0) + Buffer.byteLength(JSON.stringify(result)))
      return result
    },
  })
}

describe('convex getState and the job\'s request', () => {
  it('reduces the events without downloading the request', async () => {
    const backend = createBackend()
    const owner = createInstance(backend)
    const bytes = new Map<string, number>()
    const other = createInstance(backend, { wrap: countingQueries(bytes) })
    const history = 'h'.repeat(500_000)
    const { record: job } = await owner.provider.create(newJob({ request: { type: 'chat', messages: [{ role: 'user', content: history }] } }))
    await owner.provider.appendEvents(job.id, [statusEvent(1, 'running'), ...textDeltas(2, ['Hello'])], { epoch: 1 })

    const state = await other.provider.getState(job.id)
    expect(state).toMatchObject({ id: job.id, type: 'chat', createdAt: job.createdAt, status: 'running', content: 'Hello' })
    expect(await other.provider.getState('no-such-job')).toBeNull()
    const total = [...bytes.values()].reduce((sum, value) => sum + value, 0)
    expect(total).toBeLessThan(history.length / 10)
  })
})
