/**
 * A job of another instance that waits on two questions at once (a parallel workflow, an agent
 * asking two approvals): once one is answered and the job asks another, the answered one leaves
 * the user's replay backlog. Before, the feed only added the pending requests while the job was
 * `waiting` and dropped the job's requests only once it no longer waited: a tab that reconnected
 * was asked again for the answered question.
 */
import { describe, expect, it, vi } from 'vitest'
import type { JobNotification } from '../../server/lib/notifications'
import type { JobRecord } from '../../server/lib/providers/types'
import { recordingSink, remoteFeedHub } from '../support/remote-feed-hub'
import { createJobState } from '../../shared/reducer'
import type { PendingInput } from '../../shared/reducer'

const record = (status: JobRecord['status']): JobRecord => ({
  id: 'remote', userId: 'u1', type: 'workflow', status, threadId: 't1', messageId: null, idempotencyKey: null, title: 'review',
  request: { type: 'workflow', workflow: 'review', input: {} }, createdAt: 1_250, updatedAt: 1_250, endedAt: null, lastSeq: 1, lease: null,
})

const question = (requestId: string, nodeId: string): PendingInput => ({
  requestId, kind: 'workflow-input', prompt: `${nodeId}?`, expiresAt: 9_000, onTimeout: 'fail', nodeId, requestedAt: 1_260,
})

describe('the feed of a job of another instance that still waits', () => {
  it('drops a question answered meanwhile from the replay, keeps the pending ones', async () => {
    const feed = remoteFeedHub({ ...createJobState({ id: 'remote', type: 'workflow', createdAt: 1_250 }), status: 'waiting', pendingInputs: [question('r1', 'first'), question('r2', 'second')] }, { feedNow: 1_200 })
    const { hub } = feed
    const open = recordingSink()
    const detach = hub.attach('u1', open.sink, null)
    feed.deliver([record('waiting')])
    await vi.waitFor(() => expect(open.received.map(item => item.requestId ?? item.type)).toEqual(['job-created', 'r1', 'r2']))

    // r1 was answered on another instance; its branch went on and asks r3: the job still waits.
    feed.setState({
      ...feed.state(),
      pendingInputs: [question('r2', 'second'), question('r3', 'third')],
      answeredInputs: [{ ...question('r1', 'first'), answer: 'yes', answeredAt: 1_280, answeredBy: 'u1' }],
    })
    feed.deliver([record('waiting')])
    const told = (item: JobNotification) => item.type === 'input-answered' ? `answered ${item.requestId}` : item.requestId ?? item.type
    await vi.waitFor(() => expect(open.received.map(told)).toEqual(['job-created', 'r1', 'r2', 'answered r1', 'r3']))
    expect(open.received.find(item => item.type === 'input-answered')).toMatchObject({ status: 'waiting', jobId: 'remote' })

    const reconnecting = recordingSink()
    hub.attach('u1', reconnecting.sink, 0)()
    expect(reconnecting.received.map(told)).toEqual(['job-created', 'r2', 'answered r1', 'r3'])
    detach()
  })
})
