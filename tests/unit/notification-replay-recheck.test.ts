/**
 * A question of a job on another instance, kept in the replay backlog while no stream of the user
 * was open (the feed that would hear its answer was stopped), is read again before a reconnecting
 * stream's replay: answered meanwhile, it is told as `input-answered`, not asked again. Before, the
 * replay asked it again and nothing ever told the answer (the new feed only hears what changes from
 * then on, and an answer older than the stream is not news to it).
 */
import { describe, expect, it, vi } from 'vitest'
import { askedThenStreamBroke, recordingSink, remoteFeedHub, remoteQuestion, remoteRecord, remoteWaiting, told } from '../support/remote-feed-hub'
import type { JobState } from '../../shared/reducer'

describe('a replay after no stream was open reads the questions of jobs elsewhere again', () => {
  const waiting: JobState = remoteWaiting(remoteQuestion('r1'))

  it('tells a question answered meanwhile as input-answered, and does not ask it again', async () => {
    const feed = remoteFeedHub(waiting)
    const open = recordingSink()
    const detach = feed.hub.attach('u1', open.sink, null)
    feed.deliver([remoteRecord('waiting')])
    await vi.waitFor(() => expect(open.received.map(told)).toEqual(['input-request r1']))
    // The tab's stream breaks (before it got r1, say): no stream is open, nothing follows the job.
    detach()
    expect(feed.following()).toBe(false)
    // Answered on another instance a minute later; the job runs on.
    feed.setClock(60_000)
    feed.setState({ ...waiting, status: 'running', pendingInputs: [], answeredInputs: [{ ...remoteQuestion('r1'), answer: 'yes', answeredAt: 30_000, answeredBy: 'u1' }] })

    const back = recordingSink()
    const detachBack = feed.hub.attach('u1', back.sink, 0)
    await vi.waitFor(() => expect(back.received.map(told)).toEqual(['input-answered r1']))
    expect(back.received[0]).toMatchObject({ status: 'running', jobId: 'remote' })
    // Later streams are not asked either.
    const another = recordingSink()
    feed.hub.attach('u1', another.sink, 0)()
    expect(another.received.map(told)).toEqual(['input-answered r1'])
    detachBack()
  })

  it('tells a job that ended meanwhile by its job-end, without the question', async () => {
    const feed = remoteFeedHub(waiting)
    await askedThenStreamBroke(feed)
    feed.setState({ ...waiting, status: 'completed', pendingInputs: [], answeredInputs: [{ ...remoteQuestion('r1'), answer: 'yes', answeredAt: 30_000, answeredBy: 'u1' }] })

    const back = recordingSink()
    const detachBack = feed.hub.attach('u1', back.sink, 0)
    await vi.waitFor(() => expect(back.received.map(told)).toEqual(['job-end']))
    expect(back.received[0]).toMatchObject({ status: 'completed', jobId: 'remote', title: 'review' })
    detachBack()
  })

  it('still replays a question that waits, with what was notified while it was read, in order', async () => {
    const feed = remoteFeedHub(waiting)
    await askedThenStreamBroke(feed)

    const back = recordingSink()
    const detachBack = feed.hub.attach('u1', back.sink, 0)
    feed.hub.notify('u1', { type: 'job-created', jobId: 'local', threadId: 't2', status: 'queued', title: 'new' })
    await vi.waitFor(() => expect(back.received.map(told)).toEqual(['input-request r1', 'job-created']))
    feed.hub.notify('u1', { type: 'job-end', jobId: 'local', threadId: 't2', status: 'completed', title: 'new' })
    expect(back.received.map(told)).toEqual(['input-request r1', 'job-created', 'job-end'])
    detachBack()
  })
})
