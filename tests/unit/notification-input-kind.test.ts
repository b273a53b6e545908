/**
 * An `input-request` notification says what the job waits for (its input request's `kind`), so a
 * client tells a job waiting for a browser tool's output (`tool-output`, decision 044) from one
 * waiting for the user's answer. Before, the notification carried no kind: the demo showed a
 * client tool's wait as "needs your answer" with the tool's prompt as the question.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { RunContext } from '../../server/lib/run-context'
import type { PendingInput } from '../../shared/reducer'
import { createJobState } from '../../shared/reducer'
import type { JobRecord } from '../../server/lib/providers/types'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { recordingSink, remoteFeedHub } from '../support/remote-feed-hub'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('input-request notifications carry the request\'s kind', () => {
  it('from the job\'s own run: a client tool\'s output, an approval and a workflow question each say theirs', async () => {
    const { engine } = createTestEngine({
      runners: {
        async chat(context: RunContext) {
          await Promise.all([
            context.requestInput({ kind: 'tool-output', prompt: 'Run the tool "get_location" in the browser with {}', onTimeout: 'deny', toolCallId: 'c1', tool: 'get_location', args: {} }),
            context.requestInput({ kind: 'tool-approval', prompt: 'Allow delete_file?', onTimeout: 'deny', toolCallId: 'c2', tool: 'delete_file', args: {} }),
            context.requestInput({ kind: 'workflow-input', prompt: 'Which?', onTimeout: 'fail' }),
          ])
        },
      },
    })
    const tab = recordingSink()
    const detach = engine.attachNotifications('u1', tab.sink, null)
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(10)
    const asked = tab.received.filter(item => item.type === 'input-request')
    expect(asked.map(item => [item.kind, item.prompt])).toEqual([
      ['tool-output', 'Run the tool "get_location" in the browser with {}'],
      ['tool-approval', 'Allow delete_file?'],
      ['workflow-input', 'Which?'],
    ])
    await engine.abortJob('u1', job.id)
    detach()
    await engine.dispose()
  })

  it('from the feed of another instance\'s job: the kind of each pending request', async () => {
    const pending = (requestId: string, kind: PendingInput['kind']): PendingInput => ({
      requestId, kind, prompt: `${requestId}?`, expiresAt: 9_000, onTimeout: 'deny', requestedAt: 1_260,
    })
    const record: JobRecord = {
      id: 'remote', userId: 'u1', type: 'chat', status: 'waiting', threadId: 't1', messageId: null, idempotencyKey: null, title: 'where am I',
      request: chatRequest, createdAt: 1_250, updatedAt: 1_250, endedAt: null, lastSeq: 1, lease: null,
    }
    const feed = remoteFeedHub({ ...createJobState({ id: 'remote', type: 'chat', createdAt: 1_250 }), status: 'waiting', pendingInputs: [pending('r1', 'tool-output'), pending('r2', 'tool-approval')] }, { feedNow: 1_200 })
    const tab = recordingSink()
    const detach = feed.hub.attach('u1', tab.sink, null)
    feed.deliver([record])
    await vi.waitFor(() => expect(tab.received.filter(item => item.type === 'input-request').map(item => [item.requestId, item.kind])).toEqual([['r1', 'tool-output'], ['r2', 'tool-approval']]))
    detach()
  })
})
