/**
 * A rolling deploy on Convex: the functions are deployed once, and the servers of the version
 * before keep running for minutes beside the new ones. A server from before d565ab25 follows a
 * user's changed jobs with `feed:userChanges` (no `withoutRequests`) and decodes each changed record
 * with its request (`toJobRecord`: `JSON.parse(record.requestJson)`) before it notifies the user's
 * tab (job-created, input-request, job-end of jobs running on other instances). It must get records
 * it can decode; this version's provider asks for them without requests.
 */
import { describe, expect, it } from 'vitest'
import { api } from '../../convex/_generated/api'
import { createBackend, createInstance, endEvent, newJob, statusEvent, TEST_SECRET } from './backend'
import { longHistoryChat } from '../support/long-history'

/** What such a server read from a stored record (its provider's `toJobRecord`). */
function olderServerRecord<Stored extends { jobId: string, requestJson?: string }>(stored: Stored) {
  const { jobId, requestJson, ...fields } = stored as Stored & Record<string, unknown>
  return { id: jobId, ...fields, request: JSON.parse(requestJson as string) as unknown }
}

describe('convex: the user feed answered to a server of the version before', () => {
  it('gives the older server\'s subscription records it decodes, and this version\'s none of the requests', async () => {
    const backend = createBackend()
    const owner = createInstance(backend)
    const follower = createInstance(backend)
    const seen: string[] = []
    follower.provider.subscribeUserJobs('u1', records => seen.push(...records.map(record => `${record.id}:${record.status}`)))
    await follower.facade.settled()
    // The older server's subscription starts from the user's latest change, as the current one does.
    const start = await backend.query(api.feed.userChanges, { secret: TEST_SECRET, userId: 'u1' })

    const { messages } = longHistoryChat()
    const { record: job } = await owner.provider.create(newJob({ id: 'elsewhere', userId: 'u1', request: { type: 'chat', messages } }))
    await owner.provider.appendEvents(job.id, [statusEvent(1, 'running'), endEvent(2, 'completed')], { epoch: 1 })
    await follower.facade.settled()

    // The arguments such a server sends, and how it decoded the page.
    const page = await backend.query(api.feed.userChanges, { secret: TEST_SECRET, userId: 'u1', afterChangedAt: start.lastChangedAt })
    const records = page.changes.map(change => olderServerRecord(change.record))
    expect(records.map(record => [record.id, record.status, record.lease])).toEqual([['elsewhere', 'completed', null]])
    // As a listing gives it (its feed never reads it): the last user message, not the history.
    expect(records[0]!.request).toEqual({ type: 'chat', messages: [messages[2]] })

    // This version's subscription: the changes without requests.
    expect(seen.at(-1)).toBe('elsewhere:completed')
    const current = await backend.query(api.feed.userChanges, { secret: TEST_SECRET, userId: 'u1', afterChangedAt: start.lastChangedAt, withoutRequests: true })
    expect(current.changes.map(change => Object.keys(change.record).includes('requestJson'))).toEqual([false])
  })
})
