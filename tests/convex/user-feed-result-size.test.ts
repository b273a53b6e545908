/**
 * `feed:userChanges` sends only what a user's notification feed reads (status, title, thread …),
 * not each changed job's request: a long chat's request (up to 1 MB) went to every instance with
 * the user's notification stream open, on every change of that job.
 */
import { describe, expect, it } from 'vitest'
import type { ConvexFacade } from '../../server/lib/providers/convex-facade'
import { createBackend, createInstance, endEvent, newJob, statusEvent } from './backend'

/** Wraps a facade so every `feed:userChanges` result a subscription receives is counted, in UTF-8 bytes of JSON. */
function countingFeedResults(counter: { bytes: number }) {
  return (facade: ConvexFacade): ConvexFacade => ({
    ...facade,
    subscribe(query, args, onUpdate, onError) {
      return facade.subscribe(query, args, (result) => {
        if (String(query) === 'feed:userChanges' && result) counter.bytes += Buffer.byteLength(JSON.stringify(result))
        onUpdate(result)
      }, onError)
    },
  })
}

describe('convex user feed result size', () => {
  it('does not send a changed job\'s request to the feed', async () => {
    const backend = createBackend()
    const owner = createInstance(backend)
    const counter = { bytes: 0 }
    const follower = createInstance(backend, { wrap: countingFeedResults(counter) })
    const seen: string[] = []
    follower.provider.subscribeUserJobs('long-chat', records => seen.push(...records.map(record => `${record.id}:${record.status}:${record.title}`)))
    await follower.facade.settled()

    // A long chat history: a 500 KB request.
    const history = 'h'.repeat(500_000)
    const { record: job } = await owner.provider.create(newJob({ userId: 'long-chat', title: 'long', request: { type: 'chat', messages: [{ role: 'user', content: history }] } }))
    await follower.facade.settled()
    await owner.provider.appendEvents(job.id, [statusEvent(1, 'running')], { epoch: 1 })
    await follower.facade.settled()
    await owner.provider.appendEvents(job.id, [statusEvent(2, 'waiting')], { epoch: 1 })
    await follower.facade.settled()
    await owner.provider.appendEvents(job.id, [endEvent(3, 'completed')], { epoch: 1 })
    await follower.facade.settled()

    expect(seen).toEqual([`${job.id}:queued:long`, `${job.id}:running:long`, `${job.id}:waiting:long`, `${job.id}:completed:long`])
    // Four changes of the job: its request was sent with each of them (2 MB).
    expect(counter.bytes).toBeLessThan(history.length / 10)
  })
})
