/**
 * threads:listThreads keeps to Convex's 16 MiB read per query even when one thread alone passes the
 * page's byte budget: the first thread of a page was read whole, with every active job's request
 * (up to 1 MB each, up to 100 jobs per status), so a user with many big jobs running in one thread
 * could not list threads at all until they ended.
 */
import { describe, expect, it } from 'vitest'
import { api } from '../../convex/_generated/api'
import { createBackend, createInstance, newJob, TEST_SECRET } from './backend'

describe('listThreads: a thread that alone passes the byte budget', () => {
  it('20 active workflow jobs with ~990 KB requests in one thread: the page answers within the read limit', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const big = 'y'.repeat(990_000)
    const ids: string[] = []
    for (let index = 0; index < 20; index++) {
      const { record } = await provider.create(newJob({ threadId: 'busy', type: 'workflow', createdAt: 10_000 + index, request: { type: 'workflow', workflow: 'w', input: { text: big } } }), { maxActivePerUser: 100 })
      ids.push(record.id)
    }
    const page = await provider.listThreads({ userId: 'user-1', limit: 10 })
    const [thread] = page.threads
    expect(thread?.threadId).toBe('busy')
    expect(thread?.first.id).toBe(ids[0])
    expect(thread?.last.id).toBe(ids[19])
    expect(thread?.active.map(record => record.id)).toEqual(ids)
    expect(thread?.active.every(record => record.status === 'queued')).toBe(true)
    // The first and last come with their requests; active jobs past the budget without theirs.
    expect(thread?.first.request).toEqual({ type: 'workflow', workflow: 'w', input: { text: big } })
    expect(thread?.last.request).toEqual({ type: 'workflow', workflow: 'w', input: { text: big } })
    expect(thread?.active.filter(record => record.request === null).length).toBeGreaterThan(10)
    // A server of an earlier version (no `byId`) gets the thread within the read limit too.
    const older = await backend.query(api.threads.listThreads, { secret: TEST_SECRET, userId: 'user-1', limit: 10, before: null })
    expect(older.threads.map(listed => listed.activeIds.length)).toEqual([20])
    // … and its answer, each record repeated as first, last and active, within a function's 16 MiB return value.
    expect(Buffer.byteLength(JSON.stringify(older))).toBeLessThan(16 * 1_048_576)
  }, 120_000)
})
