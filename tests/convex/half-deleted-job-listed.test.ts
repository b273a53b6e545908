/**
 * A job whose deletion stopped midway under a version before this one: that version deleted a
 * job's request before its lease, so a `deletion:deleteJob` loop cut off between two calls (the
 * instance stopped by a rolling deploy in the middle of a thread's deletion) left the job document
 * and its lease, without its request, for the current version to read until retention or another
 * deletion ends it. Such a record comes with `request: null`, and one of them made every listing of
 * its user fail (summaries read the request), not only its own.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createBackend, endEvent, newJob, statusEvent } from './backend'
import { createEngineNode } from './engine-node'

describe('convex: a job left without its request by an older version\'s deletion', () => {
  it('is listed and read without a prompt, and the rest of the list with it; deleting it ends it', async () => {
    const backend = createBackend()
    const node = createEngineNode(backend, { instanceId: 'B', config: resolveConfig({}) })
    const { record: kept } = await node.provider.create(newJob({ userId: 'u1', threadId: 'kept' }))
    const { record: cut } = await node.provider.create(newJob({ userId: 'u1', threadId: 'cut' }))
    await node.provider.appendEvents(cut.id, [statusEvent(1, 'running'), endEvent(2, 'completed', 1_000)], { epoch: 1 })
    // As the older deletion left it: events, controls, active entry and request gone; the lease and the job document not yet.
    await backend.run(async (ctx) => {
      for (const table of ['eventBatches', 'jobRequests', 'listedRequests'] as const) {
        for (const row of await ctx.db.query(table).collect()) if (row.jobId === cut.id) await ctx.db.delete(row._id)
      }
    })

    expect((await node.engine.listJobs('u1', {})).map(job => [job.id, job.prompt])).toEqual([[cut.id, undefined], [kept.id, 'hello']])
    expect((await node.engine.listJobPage('u1', {})).jobs.map(job => job.id)).toEqual([cut.id, kept.id])
    expect((await node.engine.listThreads('u1', { limit: 10 })).threads.map(thread => thread.threadId)).toEqual(['cut', 'kept'])
    expect((await node.engine.getJob('u1', cut.id)).job).toMatchObject({ id: cut.id, status: 'completed' })

    await node.engine.deleteJob('u1', cut.id)
    expect((await node.engine.listJobs('u1', {})).map(job => job.id)).toEqual([kept.id])
    expect(await backend.run(async ctx => (await ctx.db.query('leases').collect()).map(lease => lease.jobId))).toEqual([kept.id])
    await node.engine.dispose()
  })
})
