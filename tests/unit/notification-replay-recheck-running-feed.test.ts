/**
 * A question of a job on another instance, kept in the replay backlog while no stream of the user
 * was open, answered meanwhile; then another tab opens (the feed runs again, from now) before the
 * tab that had the question resumes from before it. The running feed heard nothing of the answer
 * (it came before the feed started), so the replay must read the job again first, as it does when
 * no feed runs — not ask the answered question again.
 */
import { describe, expect, it, vi } from 'vitest'
import { askedThenStreamBroke, recordingSink, remoteFeedHub, remoteQuestion, remoteWaiting, told } from '../support/remote-feed-hub'
import type { JobState } from '../../shared/reducer'

const question = remoteQuestion('r1')

describe('a replay from before the running feed\'s start reads the questions of jobs elsewhere again', () => {
  it('tells a question answered before another tab opened as input-answered, and does not ask it again', async () => {
    const waiting: JobState = remoteWaiting(question)
    const feed = remoteFeedHub(waiting)
    await askedThenStreamBroke(feed)
    // The tab's stream breaks: nothing follows the job; it is answered on another instance.
    feed.setState({ ...waiting, status: 'running', pendingInputs: [], answeredInputs: [{ ...question, answer: 'yes', answeredAt: 30_000, answeredBy: 'u1' }] })
    // Another tab of the user opens here: the feed runs again, from now.
    const other = recordingSink()
    const detachOther = feed.hub.attach('u1', other.sink, null)
    expect(feed.following()).toBe(true)

    const back = recordingSink()
    const detachBack = feed.hub.attach('u1', back.sink, 0)
    await vi.waitFor(() => expect(back.received.map(told)).toEqual(['input-answered r1']))
    detachBack()
    detachOther()
  })
})
