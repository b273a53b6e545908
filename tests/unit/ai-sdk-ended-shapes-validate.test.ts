/**
 * Every way an answer's tool calls can end, read by the SDK's own client processing (its transport
 * validates each chunk, `readUIMessageStream` builds the message as `useChat` does), must give
 * messages that `validateUIMessages` takes: an app that stores its chat's messages (`onFinish`)
 * and validates them on load, as the AI SDK's persistence docs recommend, must be able to load any
 * chat. Before, an answer stopped (or failed) while a tool approval waited ended the call
 * `output-error` with its approval unanswered, which `ai` 7 refuses ("Type validation failed"):
 * the SDK takes an ended call with an approval only as granted or denied. Such a call now ends
 * denied with a reason saying the answer was stopped before it was approved, which is also what the
 * model is told of it on the next turn (`convertToModelMessages`).
 */
import { convertToModelMessages, validateUIMessages } from 'ai'
import type { UIMessage } from 'ai'
import { describe, expect, it } from 'vitest'
import type { JobEvent, JobEventPayload } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import { endedBeforeApprovalReason, STOPPED_BEFORE_APPROVAL_REASON } from '../../shared/ended-before-approval'
import type { JobState } from '../../shared/reducer'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { createUiChunkMapper } from '../../server/lib/ai-sdk/chunk-mapper'
import type { UiChunk } from '../../server/lib/ai-sdk/ui-chunks'
import { partsFromChunks } from '../../server/lib/ai-sdk/ui-parts'
import { mergeDeltas } from '../../server/lib/replay'
import type { ViewerFrame } from '../../server/lib/viewer'
import { sdkMessage } from '../support/sdk-message'

const JOB = 'job-ended'
const empty = () => createJobState({ id: JOB, type: 'chat', createdAt: 0 })
const frame = (event: JobEvent): ViewerFrame => ({ event: event.type, id: event.seq, data: event })
const snapshot = (state: JobState): ViewerFrame => ({ event: 'snapshot', id: state.seq, data: state })
const numbered = (payloads: JobEventPayload[]): JobEvent[] => payloads.map((payload, index) => ({ ...payload, seq: index + 1, at: index + 1 }) as JobEvent)

/** One response reading `frames` from `known`, ended as the route ends it (also at a waiting approval). */
function mapFrames(frames: ViewerFrame[], known: JobState = empty()): UiChunk[] {
  const mapper = createUiChunkMapper({ messageId: JOB, known })
  const chunks = [...mapper.start()]
  for (const item of frames) chunks.push(...mapper.frame(item))
  chunks.push(...mapper.endIfAwaitingApproval() ?? [])
  return chunks
}

const aborted = (code = 'aborted'): JobEventPayload => ({ type: 'job-end', status: 'aborted', error: { code, message: 'Aborted by the user' }, metrics: emptyMetrics() })
const failed = (code: string): JobEventPayload => ({ type: 'job-end', status: 'failed', error: { code, message: 'It failed' }, metrics: emptyMetrics() })
const completed: JobEventPayload = { type: 'job-end', status: 'completed', metrics: emptyMetrics() }
const answer = (value: unknown, answeredBy = 'user-1'): JobEventPayload => ({ type: 'input-response', requestId: 'r1', answer: value, answeredAt: 9, answeredBy })
const running: JobEventPayload = { type: 'job-status', status: 'running' }
const result = (status: 'completed' | 'error' | 'denied', extra: object = {}): JobEventPayload => ({ type: 'tool-result', id: 'c1', status, durationMs: 1, ...extra })
const moreText = (text: string): JobEventPayload[] => [{ type: 'step-start', step: 2 }, { type: 'text-delta', offset: 11, text }, { type: 'step-end', step: 2, finishReason: 'stop' }]

const TEXT: JobEventPayload[] = [
  running,
  { type: 'step-start', step: 1 },
  { type: 'reasoning-delta', offset: 0, text: 'Thinking' },
  { type: 'text-delta', offset: 0, text: 'Deleting ' },
  { type: 'text-delta', offset: 9, text: 'it' },
]
const CALLED: JobEventPayload[] = [...TEXT, { type: 'step-end', step: 1, finishReason: 'tool_calls' }, { type: 'tool-call', id: 'c1', name: 'delete_file', args: { path: 'a.txt' }, step: 1 }]
const ASKED: JobEventPayload[] = [
  ...CALLED,
  { type: 'input-request', requestId: 'r1', kind: 'tool-approval', prompt: 'Delete a.txt?', expiresAt: 1e12, onTimeout: 'deny', toolCallId: 'c1', tool: 'delete_file', args: { path: 'a.txt' } },
  { type: 'job-status', status: 'waiting' },
]

/** A job's whole log, and how its call ends in the SDK (null: no call). */
const SHAPES: Record<string, { log: JobEventPayload[], call: Record<string, unknown> | null }> = {
  'aborted mid-text': { log: [...TEXT, aborted()], call: null },
  'aborted while a tool runs (no approval)': { log: [...CALLED, aborted()], call: { state: 'output-error', errorText: 'job aborted (aborted)' } },
  'failed after a tool error': { log: [...CALLED, result('error', { error: 'boom' }), failed('upstream')], call: { state: 'output-error', errorText: 'boom' } },
  'failed (timeout) while a tool runs': { log: [...CALLED, failed('timeout')], call: { state: 'output-error', errorText: 'job failed (timeout)' } },
  'waiting for approval': { log: ASKED, call: { state: 'approval-requested', approval: { id: 'r1' } } },
  'stopped while the approval waited': { log: [...ASKED, aborted()], call: { state: 'output-denied', approval: { id: 'r1', approved: false, reason: STOPPED_BEFORE_APPROVAL_REASON } } },
  'failed (timeout) while the approval waited': { log: [...ASKED, failed('timeout')], call: { state: 'output-denied', approval: { id: 'r1', approved: false, reason: endedBeforeApprovalReason('failed', 'timeout') } } },
  'approval expired with onTimeout abort': { log: [...ASKED, aborted('input-timeout')], call: { state: 'output-denied', approval: { id: 'r1', approved: false, reason: STOPPED_BEFORE_APPROVAL_REASON } } },
  'approval expired with onTimeout deny': { log: [...ASKED, answer('deny', 'system:timeout'), running, result('denied', { error: 'timed out' }), ...moreText('Not deleted.'), completed], call: { state: 'output-denied', approval: { id: 'r1', approved: false } } },
  'denied by the user': { log: [...ASKED, answer({ approved: false, reason: 'no' }), running, result('denied', { error: 'no' }), ...moreText('Kept.'), completed], call: { state: 'output-denied', approval: { id: 'r1', approved: false, reason: 'no' } } },
  'denied, then stopped before the denial was recorded': { log: [...ASKED, answer({ approved: false }), running, aborted()], call: { state: 'output-denied', approval: { id: 'r1', approved: false } } },
  'approved and run': { log: [...ASKED, answer({ approved: true }), running, result('completed', { result: { ok: true } }), ...moreText('Done.'), completed], call: { state: 'output-available', approval: { id: 'r1', approved: true } } },
  'approved, then stopped while it ran': { log: [...ASKED, answer({ approved: true }), running, aborted()], call: { state: 'output-error', errorText: 'job aborted (aborted)', approval: { id: 'r1', approved: true } } },
}

/** The messages an app stores for the chat: the user's question and the answer. */
const chat = (answerMessage: UIMessage): UIMessage[] => [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Delete a.txt' }] }, answerMessage]

describe('every ended shape of an answer validates as the SDK client builds it', () => {
  for (const [name, { log, call }] of Object.entries(SHAPES)) {
    it(name, async () => {
      const events = numbered(log)
      const final = reduceEvents(empty(), events)
      const asked = events.findIndex(event => event.type === 'job-status' && event.status === 'waiting')
      const paths: Record<string, () => Promise<UIMessage>> = {
        // A client that followed the job live, one event at a time.
        'live': () => sdkMessage(mapFrames(events.map(frame))),
        // A replay with merged deltas (a resume while it runs, the messages route).
        'replay': () => sdkMessage(mapFrames(mergeDeltas(events).map(frame))),
        // A log not held from the start: the final snapshot only (a resume after a restart).
        'final snapshot': () => sdkMessage(mapFrames([snapshot(final)])),
        // The messages route (a reload), which builds the parts itself.
        'messages route': async () => ({ id: JOB, role: 'assistant', parts: partsFromChunks(mapFrames(mergeDeltas(events).map(frame))) as UIMessage['parts'] }),
      }
      if (asked !== -1 && asked < events.length - 1) {
        // The client saw the approval asked (its response ended there), then the rest in a response
        // that goes on the same message (an answer posted, or the post after the end: continuation-start.ts).
        paths['asked, then the rest'] = async () => {
          const first = await sdkMessage(mapFrames(events.slice(0, asked + 1).map(frame)))
          return sdkMessage(mapFrames(events.slice(asked + 1).map(frame), reduceEvents(empty(), events.slice(0, asked + 1))), first)
        }
      }
      for (const [path, read] of Object.entries(paths)) {
        const message = await read()
        // Before: "Type validation failed" for an answer stopped while the approval waited.
        await expect(validateUIMessages({ messages: chat(message) }), path).resolves.toBeDefined()
        const tools = message.parts.filter(part => part.type.startsWith('tool-'))
        expect(tools, path).toEqual(call ? [expect.objectContaining({ ...call, ...(call.approval ? { approval: expect.objectContaining(call.approval) } : {}) })] : [])
        await expect(convertToModelMessages(chat(message)), path).resolves.toBeDefined()
      }
    })
  }

  it('the model is told that a call stopped while its approval waited did not run', async () => {
    const message = await sdkMessage(mapFrames(numbered([...ASKED, aborted()]).map(frame)))
    const model = await convertToModelMessages(chat(message))
    const results = model.flatMap(item => (item.role === 'tool' ? item.content : [])).filter(part => part.type === 'tool-result')
    expect(results).toEqual([expect.objectContaining({ toolCallId: 'c1', output: { type: 'error-text', value: STOPPED_BEFORE_APPROVAL_REASON } })])
  })
})
