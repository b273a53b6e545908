/**
 * Two streams of a user come back to an instance at once (every tab reopens on `online` where tabs
 * do not share the stream, or two devices): the first starts reading again the question of a job
 * elsewhere that the backlog still asks (notification-replay-recheck). The second must wait for
 * that read too, not be replayed the question from the backlog meanwhile — answered already, it
 * would ask the user again (a "needs your answer" toast for a question already answered).
 */
import { describe, expect, it, vi } from 'vitest'
import { askedThenStreamBroke, recordingSink, remoteFeedHub, remoteQuestion, remoteWaiting, told } from '../support/remote-feed-hub'
import type { JobState } from '../../shared/reducer'

const question = remoteQuestion('r1')

describe('streams that come back together while a question of a job elsewhere is read again', () => {
  const waiting: JobState = remoteWaiting(question)

  it('none of them is asked the question answered meanwhile', async () => {
    const feed = remoteFeedHub(waiting)
    await askedThenStreamBroke(feed)
    feed.setState({ ...waiting, status: 'running', pendingInputs: [], answeredInputs: [{ ...question, answer: 'yes', answeredAt: 30_000, answeredBy: 'u1' }] })

    const first = recordingSink()
    const second = recordingSink()
    const detachFirst = feed.hub.attach('u1', first.sink, 0)
    const detachSecond = feed.hub.attach('u1', second.sink, 0)
    await vi.waitFor(() => expect(first.received.map(told)).toEqual(['input-answered r1']))
    await vi.waitFor(() => expect(second.received.map(told)).toContain('input-answered r1'))
    expect(second.received.map(told)).toEqual(['input-answered r1'])
    // What is notified afterwards reaches both, once.
    feed.hub.notify('u1', { type: 'job-end', jobId: 'other', threadId: null, status: 'completed', title: 'x' })
    expect(first.received.map(told)).toEqual(['input-answered r1', 'job-end'])
    expect(second.received.map(told)).toEqual(['input-answered r1', 'job-end'])
    detachFirst()
    detachSecond()
  })
})
