/**
 * A rolling deploy on Convex: the functions are deployed once, and the servers of the version
 * before keep running for minutes beside the new ones. Servers of earlier versions call
 * `threads:listThreads` with the same arguments as always (the thread list, `GET /api/jobs/threads`):
 * one from before d6a1d7bd reads each thread's `first`, `last` and `active` records, one from
 * d6a1d7bd until `byId` existed reads `jobs` by `firstId`, `lastId` and `activeIds`. Both must read
 * the answer; this version's provider asks for each job once, named by id.
 */
import { describe, expect, it } from 'vitest'
import { api } from '../../convex/_generated/api'
import { createBackend, createInstance, endEvent, newJob, statusEvent, TEST_SECRET } from './backend'

/** What such a server read from a stored record (its provider's `toJobRecord`). */
function olderServerRecord(stored: { jobId: string, requestJson: string }) {
  const { jobId, requestJson, ...fields } = stored
  return { id: jobId, ...fields, request: JSON.parse(requestJson) as unknown }
}

/** Its provider's `listThreads`: each thread's first, last and active records. */
type OlderThread = { threadId: string, first: { jobId: string, requestJson: string }, last: { jobId: string, requestJson: string }, active: Array<{ jobId: string, requestJson: string }> }
function olderServerThreads(page: { threads: unknown[] }) {
  return (page.threads as OlderThread[]).map(thread => ({ threadId: thread.threadId, first: olderServerRecord(thread.first), last: olderServerRecord(thread.last), active: thread.active.map(olderServerRecord) }))
}

/** How a server from d6a1d7bd until `byId` read a thread (its provider's `toStoredThread`). */
type LaterThread = { threadId: string, jobs: Array<{ jobId: string, requestJson: string }>, firstId: string, lastId: string, activeIds: string[] }
function laterServerThreads(page: { threads: unknown[] }) {
  return (page.threads as LaterThread[]).map((thread) => {
    const records = new Map(thread.jobs.map(job => [job.jobId, olderServerRecord(job)]))
    const record = (jobId: string) => {
      const found = records.get(jobId)
      if (!found) throw new Error(`threads:listThreads named job ${jobId} without its record`)
      return found
    }
    return { threadId: thread.threadId, first: record(thread.firstId), last: record(thread.lastId), active: thread.activeIds.map(record) }
  })
}

describe('convex: listThreads answered to a server of the version before', () => {
  it('answers the older servers\' call in both shapes they read, and this version\'s each job once', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const { record: only } = await provider.create(newJob({ id: 'only', userId: 'u1', threadId: 'one-turn', createdAt: 1_000 }))
    const { record: first } = await provider.create(newJob({ id: 'first', userId: 'u1', threadId: 'two-turns', createdAt: 2_000 }))
    await provider.appendEvents(first.id, [statusEvent(1, 'running'), endEvent(2, 'completed')], { epoch: 1 })
    const { record: last } = await provider.create(newJob({ id: 'last', userId: 'u1', threadId: 'two-turns', createdAt: 3_000 }))

    // The arguments such a server sends (no `byId`), and how it read the answer.
    const page = await backend.query(api.threads.listThreads, { secret: TEST_SECRET, userId: 'u1', limit: 10, before: null })
    for (const threads of [olderServerThreads(page), laterServerThreads(page)]) {
      expect(threads.map(thread => [thread.threadId, thread.first.id, thread.last.id, thread.active.map(record => record.id)])).toEqual([
        ['two-turns', 'first', 'last', ['last']],
        ['one-turn', 'only', 'only', ['only']],
      ])
      expect(threads[0]!.last.request).toEqual(last.request)
    }
    expect(page.next).toBeNull()

    // This version's provider: the same threads from each job once.
    const current = await provider.listThreads({ userId: 'u1', limit: 10 })
    expect(current.threads.map(thread => [thread.threadId, thread.first.id, thread.last.id, thread.active.map(record => record.id)])).toEqual([
      ['two-turns', 'first', 'last', ['last']],
      ['one-turn', only.id, only.id, [only.id]],
    ])
  })
})
