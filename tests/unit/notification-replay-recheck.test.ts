/**
 * A question of a job on another instance, kept in the replay backlog while no stream of the user
 * was open (the feed that would hear its answer was stopped), is read again before a reconnecting
 * stream's replay: answered meanwhile, it is told as `input-answered`, not asked again. Before, the
 * replay asked it again and nothing ever told the answer (the new feed only hears what changes from
 * then on, and an answer older than the stream is not news to it).
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

const question = (requestId: string): PendingInput => ({
  requestId, kind: 'workflow-input', prompt: `${requestId}?`, expiresAt: 90_000, onTimeout: 'fail', nodeId: requestId, requestedAt: 1_260,
})

const told = (item: JobNotification) => `${item.type} ${item.requestId ?? ''}`.trim()

describe('a replay after no stream was open reads the questions of jobs elsewhere again', () => {
  const waiting: JobState = { ...createJobState({ id: 'remote', type: 'workflow', createdAt: 1_250 }), status: 'waiting', pendingInputs: [question('r1')] }

  it('tells a question answered meanwhile as input-answered, and does not ask it again', async () => {
    const feed = remoteFeedHub(waiting)
    const open = recordingSink()
    const detach = feed.hub.attach('u1', open.sink, null)
    feed.deliver([record('waiting')])
    await vi.waitFor(() => expect(open.received.map(told)).toEqual(['input-request r1']))
    // The tab's stream breaks (before it got r1, say): no stream is open, nothing follows the job.
    detach()
    expect(feed.following()).toBe(false)
    // Answered on another instance a minute later; the job runs on.
    feed.setClock(60_000)
    feed.setState({ ...waiting, status: 'running', pendingInputs: [], answeredInputs: [{ ...question('r1'), answer: 'yes', answeredAt: 30_000, answeredBy: 'u1' }] })

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
    const open = recordingSink()
    const detach = feed.hub.attach('u1', open.sink, null)
    feed.deliver([record('waiting')])
    await vi.waitFor(() => expect(open.received.map(told)).toEqual(['input-request r1']))
    detach()
    feed.setClock(60_000)
    feed.setState({ ...waiting, status: 'completed', pendingInputs: [], answeredInputs: [{ ...question('r1'), answer: 'yes', answeredAt: 30_000, answeredBy: 'u1' }] })

    const back = recordingSink()
    const detachBack = feed.hub.attach('u1', back.sink, 0)
    await vi.waitFor(() => expect(back.received.map(told)).toEqual(['job-end']))
    expect(back.received[0]).toMatchObject({ status: 'completed', jobId: 'remote', title: 'review' })
    detachBack()
  })

  it('still replays a question that waits, with what was notified while it was read, in order', async () => {
    const feed = remoteFeedHub(waiting)
    const open = recordingSink()
    const detach = feed.hub.attach('u1', open.sink, null)
    feed.deliver([record('waiting')])
    await vi.waitFor(() => expect(open.received.map(told)).toEqual(['input-request r1']))
    detach()
    feed.setClock(60_000)

    const back = recordingSink()
    const detachBack = feed.hub.attach('u1', back.sink, 0)
    feed.hub.notify('u1', { type: 'job-created', jobId: 'local', threadId: 't2', status: 'queued', title: 'new' })
    await vi.waitFor(() => expect(back.received.map(told)).toEqual(['input-request r1', 'job-created']))
    feed.hub.notify('u1', { type: 'job-end', jobId: 'local', threadId: 't2', status: 'completed', title: 'new' })
    expect(back.received.map(told)).toEqual(['input-request r1', 'job-created', 'job-end'])
    detachBack()
  })
})
