/**
 * The owner's control subscription (`controls:readControls`) checks that the job exists without
 * reading its request: the request (up to 1 MB, a long chat's history) was read on every run of
 * the query — at each control sent, each reply, and each time the subscription started afresh.
 */
import { describe, expect, it } from 'vitest'
import { api } from '../../convex/_generated/api'
import { readControls } from '../../convex/controls'
import { createBackend, createInstance, endEvent, newJob, statusEvent, TEST_SECRET, type Backend } from './backend'

/** The tables `controls:readControls` reads for these arguments (run on a database that records them), and its result. */
async function tablesRead(backend: Backend, args: Record<string, unknown>): Promise<{ tables: string[], result: unknown }> {
  const handler = (readControls as unknown as { _handler: (ctx: unknown, args: unknown) => Promise<unknown> })._handler
  const tables: string[] = []
  const result = await backend.run(async (ctx) => {
    const db = new Proxy(ctx.db, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown
        if (property === 'query') return (table: string) => (tables.push(table), (value as (table: string) => unknown).call(target, table))
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value
      },
    })
    return await handler({ ...ctx, db }, { ...args, secret: TEST_SECRET })
  })
  return { tables: [...new Set(tables)].sort(), result }
}

describe('convex control subscription and the job\'s request', () => {
  it('does not read the request of a job still going, and still tells an ended job from a deleted one', async () => {
    // A transaction may read 200 KB here: the request alone is 900 KB.
    const backend = createBackend({ bytesRead: 200_000 })
    const { provider } = createInstance(backend)
    const job = newJob({ request: { type: 'chat', messages: [{ role: 'user', content: 'h'.repeat(900_000) }] } })
    await provider.create(job)
    await provider.appendEvents(job.id, [statusEvent(1, 'running')], { epoch: 1 })
    await provider.sendControl!(job.id, { type: 'abort', userId: job.userId })

    const running = await tablesRead(backend, { jobId: job.id, afterNumber: 0 })
    expect(running.tables).toEqual(['activeJobs', 'controls'])
    // Through the deployment's limits too: the query stays under 200 KB read.
    const page = await backend.query(api.controls.readControls, { secret: TEST_SECRET, jobId: job.id, afterNumber: 0 })
    expect(page?.controls.map(control => control.type)).toEqual(['abort'])
    expect(await provider.readControls(job.id)).toHaveLength(1)

    // Ended (no longer active) is still there: a control sent now is stored, nobody acts on it.
    // Deleted is gone (null): the subscription stops. A small request here, under Convex's own limits.
    const ended = createBackend()
    const endedInstance = createInstance(ended)
    const small = newJob()
    await endedInstance.provider.create(small)
    await endedInstance.provider.appendEvents(small.id, [endEvent(1, 'completed')], { epoch: 1 })
    expect((await tablesRead(ended, { jobId: small.id, afterNumber: 0 })).result).toEqual({ lastNumber: 0, controls: [], hasMore: false })
    expect((await tablesRead(ended, { jobId: 'no-such-job', afterNumber: 0 })).result).toBeNull()
  })

  it('does not read the whole history of a chat job once it ended (the owner\'s subscription re-runs at the end)', async () => {
    // The append that ends a job deletes its `activeJobs` document: the owner's control
    // subscription re-runs then, and read the chat's whole history (up to 1 MB) at every turn's end.
    const backend = createBackend({ bytesRead: 300_000 })
    const { provider } = createInstance(backend)
    const job = newJob({ request: { type: 'chat', messages: [{ role: 'user', content: 'h'.repeat(450_000) }, { role: 'assistant', content: 'a'.repeat(450_000) }, { role: 'user', content: 'Latest' }] } })
    await provider.create(job)
    await provider.appendEvents(job.id, [statusEvent(1, 'running'), endEvent(2, 'completed')], { epoch: 1 })

    const ended = await tablesRead(backend, { jobId: job.id, afterNumber: 0 })
    expect(ended.tables).not.toContain('jobRequests')
    expect(await backend.query(api.controls.readControls, { secret: TEST_SECRET, jobId: job.id, afterNumber: 0 })).toEqual({ lastNumber: 0, controls: [], hasMore: false })
  })
})
