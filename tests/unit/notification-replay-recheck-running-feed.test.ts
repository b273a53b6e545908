/**
 * A question of a job on another instance, kept in the replay backlog while no stream of the user
 * was open, answered meanwhile; then another tab opens (the feed runs again, from now) before the
 * tab that had the question resumes from before it. The running feed heard nothing of the answer
 * (it came before the feed started), so the replay must read the job again first, as it does when
 * no feed runs — not ask the answered question again.
 */
import { describe, expect, it, vi } from 'vitest'
import type { JobNotification } from '../../server/lib/notifications'
import type { JobRecord } from '../../server/lib/providers/types'
import { recordingSink, remoteFeedHub } from '../support/remote-feed-hub'
import { createJobState } from '../../shared/reducer'
import type { JobState, PendingInput } from '../../shared/reducer'

const record = (status: JobRecord['status']): JobRecord => ({
  id: 'remote', userId: 'u1', type: 'workflow', status, threadId: 't1', messageId: null, idempotencyKey: null, title: 'review',
  request: { type: 'workflow', workflow: 'review', input: {} }, createdAt: 1_250, updatedAt: 1_250, endedAt: null, lastSeq: 1, lease: null,
})

const question: PendingInput = { requestId: 'r1', kind: 'workflow-input', prompt: 'r1?', expiresAt: 90_000, onTimeout: 'fail', nodeId: 'r1', requestedAt: 1_260 }

const told = (item: JobNotification) => `${item.type} ${item.requestId ?? ''}`.trim()

describe('a replay from before the running feed\'s start reads the questions of jobs elsewhere again', () => {
  it('tells a question answered before another tab opened as input-answered, and does not ask it again', async () => {
    const waiting: JobState = { ...createJobState({ id: 'remote', type: 'workflow', createdAt: 1_250 }), status: 'waiting', pendingInputs: [question] }
    const feed = remoteFeedHub(waiting)
    const open = recordingSink()
    const detach = feed.hub.attach('u1', open.sink, null)
    feed.deliver([record('waiting')])
    await vi.waitFor(() => expect(open.received.map(told)).toEqual(['input-request r1']))
    // The tab's stream breaks: nothing follows the job; it is answered on another instance.
    detach()
    feed.setClock(60_000)
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
