/**
 * The demo's note under a tool call the user's Stop cut off: a call stopped while it waited for
 * approval never started, so it does not say "Stopped before it finished." (main chat and AI SDK
 * page alike). Pure, from the job's events.
 */
import { describe, expect, it } from 'vitest'
import { createJobState, reduceEvents } from '../../shared/reducer'
import type { JobEvent, JobEventPayload } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import { isStoppedCall, stoppedCallNote, stoppedToolPartNote } from '../../demo/app/lib/stopped'

function chatState(payloads: JobEventPayload[]) {
  const events = payloads.map((payload, index) => ({ ...payload, seq: index + 1, at: 1_000 + index }) as JobEvent)
  return reduceEvents(createJobState({ id: 'c', type: 'chat', createdAt: 0, status: 'running' }), events)
}

const call = { type: 'tool-call' as const, id: 'call_1', name: 'delete_file', args: { path: 'notes.txt' }, step: 1 }
const asked = { type: 'input-request' as const, requestId: 'req_1', kind: 'tool-approval' as const, prompt: 'Delete notes.txt?', expiresAt: 9_999_999, onTimeout: 'deny' as const, toolCallId: 'call_1', tool: 'delete_file', args: { path: 'notes.txt' } }
const approved = { type: 'input-response' as const, requestId: 'req_1', answer: { approved: true }, answeredAt: 1_500, answeredBy: 'u1' }
const aborted = { type: 'job-end' as const, status: 'aborted' as const, error: { code: 'aborted', message: 'Aborted by the user' }, metrics: emptyMetrics() }

describe('demo: a call stopped while it waited for approval', () => {
  it('says it did not run, not that it was stopped before it finished (main chat)', () => {
    const waiting = chatState([call, asked, aborted])
    const tool = waiting.toolCalls[0]!
    expect([isStoppedCall(tool), stoppedCallNote(tool, waiting)]).toEqual([true, 'Stopped while it waited for approval; it did not run.'])
    // Approved, then stopped while it ran: it had started.
    const running = chatState([call, asked, approved, aborted])
    expect(stoppedCallNote(running.toolCalls[0]!, running)).toBe('Stopped before it finished.')
    // A call that never asked (no approval needed).
    const plain = chatState([call, aborted])
    expect(stoppedCallNote(plain.toolCalls[0]!, plain)).toBe('Stopped before it finished.')
  })

  it('on the AI SDK page: live (still asking) and after a reload (ended by the abort, never answered)', () => {
    expect([
      { state: 'approval-requested', approval: { id: 'req_1' } },
      { state: 'output-error', errorText: 'job aborted', approval: { id: 'req_1' } },
      { state: 'output-error', errorText: 'job aborted', approval: { id: 'req_1', approved: true } },
      { state: 'input-available' },
    ].map(stoppedToolPartNote)).toEqual([
      'Stopped while it waited for approval; it did not run.',
      'Stopped while it waited for approval; it did not run.',
      'Stopped before it finished.',
      'Stopped before it finished.',
    ])
  })
})
