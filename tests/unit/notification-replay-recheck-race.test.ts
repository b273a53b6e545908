/**
 * Two streams of a user come back to an instance at once (every tab reopens on `online` where tabs
 * do not share the stream, or two devices): the first starts reading again the question of a job
 * elsewhere that the backlog still asks (notification-replay-recheck). The second must wait for
 * that read too, not be replayed the question from the backlog meanwhile — answered already, it
 * would ask the user again (a "needs your answer" toast for a question already answered).
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

describe('streams that come back together while a question of a job elsewhere is read again', () => {
  const waiting: JobState = { ...createJobState({ id: 'remote', type: 'workflow', createdAt: 1_250 }), status: 'waiting', pendingInputs: [question] }

  it('none of them is asked the question answered meanwhile', async () => {
    const feed = remoteFeedHub(waiting)
    const open = recordingSink()
    const detach = feed.hub.attach('u1', open.sink, null)
    feed.deliver([record('waiting')])
    await vi.waitFor(() => expect(open.received.map(told)).toEqual(['input-request r1']))
    detach()
    feed.setClock(60_000)
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
