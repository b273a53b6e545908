/**
 * `deletion:deleteJob` through the provider: every row of one finished job goes, in as many
 * transactions as its size needs, and a follower on another instance learns it is gone.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createBackend, createInstance, createLargeEndedJob, endEvent, statusEvent, twoInstancesWithJob } from './backend'

describe('convex deleteJob', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(10_000_000)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('leaves no row of the job, and tells a follower on another instance it is gone', async () => {
    const { a, b, job, backend } = await twoInstancesWithJob()
    await a.provider.sendControl!(job.id, { type: 'abort', userId: job.userId })
    await a.provider.appendEvents(job.id, [statusEvent(1, 'running'), endEvent(2, 'aborted', 1_000)], { epoch: 1 })
    let gone = 0
    b.provider.subscribe!(job.id, () => {}, { afterSeq: 2, onGone: () => gone++ })
    await b.facade.settled()

    expect(await a.provider.deleteJob(job.id)).toBe('deleted')
    await b.facade.settled()
    expect(gone).toBe(1)
    for (const table of ['jobs', 'eventBatches', 'controls', 'activeJobs', 'jobRequests', 'listedRequests', 'leases'] as const) {
      const rows = await backend.run(ctx => ctx.db.query(table).collect())
      expect(rows.filter(row => 'jobId' in row && row.jobId === job.id), table).toEqual([])
    }
  })

  it('deletes a job larger than one transaction may read over several calls', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const job = await createLargeEndedJob(provider)
    expect(await provider.deleteJob(job.id)).toBe('deleted')
    expect(await provider.get(job.id)).toBeNull()
    expect(await backend.run(ctx => ctx.db.query('eventBatches').collect())).toEqual([])
  })
})
