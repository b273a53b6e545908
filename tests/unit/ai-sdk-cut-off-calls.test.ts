/**
 * Tool calls a job's end cut off (the abort route while an approval waits, while the model still
 * streams a call's arguments, while a tool runs): the UI message built from the job's events (live,
 * a replay, the messages route) and the one built from a snapshot (a log not held from the start,
 * a resync) must have the same parts, read back by the SDK itself. The shared reducer ends such
 * calls as `stopped` (an abort) or errors (a failure), both with an error such as `job aborted`, which
 * the SDK reads as `output-error` — or, for a call whose approval still waited (it never ran), as
 * `output-denied` with the reason; before, the event path left them `approval-requested` /
 * `input-available`, so a reload still offered an approval the job no longer waited for.
 */
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithApprovalResponses } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import type { JobEvent, JobEventPayload } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import { STOPPED_BEFORE_APPROVAL_REASON } from '../../shared/ended-before-approval'
import type { JobState } from '../../shared/reducer'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { createUiChunkMapper } from '../../server/lib/ai-sdk/chunk-mapper'
import type { UiChunk } from '../../server/lib/ai-sdk/ui-chunks'
import { partsFromChunks } from '../../server/lib/ai-sdk/ui-parts'
import { mergeDeltas } from '../../server/lib/replay'
import type { RunContext } from '../../server/lib/run-context'
import type { ViewerFrame } from '../../server/lib/viewer'
import { useServedRoutes } from '../support/route-app'
import { sdkMessage } from '../support/sdk-message'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const JOB = 'job-cut'
const empty = () => createJobState({ id: JOB, type: 'chat', createdAt: 0 })
const frame = (event: JobEvent): ViewerFrame => ({ event: event.type, id: event.seq, data: event })
const snapshot = (state: JobState): ViewerFrame => ({ event: 'snapshot', id: state.seq, data: state })

function numbered(payloads: JobEventPayload[]): JobEvent[] {
  return payloads.map((payload, index) => ({ ...payload, seq: index + 1, at: index + 1 }) as JobEvent)
}

/** Every chunk of one response that reads `frames` (a catch-up, then the live tail) from `known`. */
function mapFrames(frames: ViewerFrame[], known: JobState = empty()): UiChunk[] {
  const mapper = createUiChunkMapper({ messageId: JOB, known })
  const chunks = [...mapper.start()]
  for (const item of frames) chunks.push(...mapper.frame(item))
  chunks.push(...mapper.endIfAwaitingApproval() ?? [])
  return chunks
}

/** The tool parts of the message the SDK builds from our chunks (its transport validates each one). */
async function sdkToolParts(chunks: UiChunk[]): Promise<unknown[]> {
  return toolParts((await sdkMessage(chunks)).parts)
}

/**
 * The tool parts of a message. A snapshot keeps no order between text and tools, so only the text
 * and the tools are the same on both paths, not the layout of the parts (docs/ai-sdk.md).
 */
function toolParts(parts: Array<{ type: string }>): unknown[] {
  return parts.filter(part => part.type.startsWith('tool-'))
}

const ABORTED: JobEventPayload = { type: 'job-end', status: 'aborted', error: { code: 'aborted', message: 'Aborted by the user' }, metrics: emptyMetrics() }
const TIMED_OUT: JobEventPayload = { type: 'job-end', status: 'failed', error: { code: 'timeout', message: 'The job ran out of time' }, metrics: emptyMetrics() }

const ASKED: JobEventPayload[] = [
  { type: 'job-status', status: 'running' },
  { type: 'step-start', step: 1 },
  { type: 'text-delta', offset: 0, text: 'Deleting ' },
  { type: 'text-delta', offset: 9, text: 'it.' },
  { type: 'step-end', step: 1, finishReason: 'tool_calls' },
  { type: 'tool-call', id: 'c1', name: 'delete_file', args: { path: 'a.txt' }, step: 1 },
  { type: 'input-request', requestId: 'r1', kind: 'tool-approval', prompt: 'Delete a.txt?', expiresAt: 1e12, onTimeout: 'deny', toolCallId: 'c1', tool: 'delete_file', args: { path: 'a.txt' } },
  { type: 'job-status', status: 'waiting' },
]

/** A job's log up to the point its end cut it off, by name. */
const CUT_OFF: Record<string, JobEventPayload[]> = {
  'an approval pending': ASKED,
  // The model still streams a call's arguments: no tool-call event yet.
  'a call still streaming its input': ASKED.slice(0, 4),
  'a tool running': ASKED.slice(0, 6),
  'an approved tool running': [...ASKED, { type: 'input-response', requestId: 'r1', answer: { approved: true }, answeredAt: 9, answeredBy: 'user-1' }, { type: 'job-status', status: 'running' }],
  'two calls, one asking and one running': [...ASKED.slice(0, 6), { type: 'tool-call', id: 'c2', name: 'get_time', args: {}, step: 1 }, ...ASKED.slice(6)],
}

describe('tool calls a job\'s end cut off: the event path and the snapshot path give the same parts', () => {
  for (const [name, log] of Object.entries(CUT_OFF)) {
    for (const end of [ABORTED, TIMED_OUT]) {
      it(`${name}, then the job ends ${end.type === 'job-end' ? end.status : ''}`, async () => {
        const events = numbered([...log, end])
        const final = reduceEvents(empty(), events)
        const paths: Record<string, UiChunk[]> = {
          // Live, one event at a time (a client that followed the job).
          'live': mapFrames(events.map(frame)),
          // A replay with merged deltas (the messages route, a resume).
          'replay': mapFrames(mergeDeltas(events).map(frame)),
          // A finished job's catch-up from a snapshot: the state before the end, then the end.
          'snapshot then end': mapFrames([snapshot(reduceEvents(empty(), events.slice(0, -1))), frame(events.at(-1)!)]),
          // A log not held from the start: the final snapshot only.
          'final snapshot': mapFrames([snapshot(final)]),
          // A client that followed the job, then fell behind: resynced with the final snapshot.
          'resync to the end': mapFrames([...events.slice(0, -2).map(frame), snapshot(final)]),
        }
        const live = await sdkToolParts(paths.live!)
        for (const [path, chunks] of Object.entries(paths)) {
          expect({ path, parts: await sdkToolParts(chunks) }).toEqual({ path, parts: live })
          // The messages route builds its parts itself, as the SDK does.
          expect({ path, parts: toolParts(partsFromChunks(chunks)) }).toEqual({ path, parts: live })
        }
        // No call is left offering an approval or looking as if it still ran: one whose approval
        // was never granted never ran (denied, ended-shapes-validate.test.ts), the others are cut off.
        const states = (live as Array<{ type: string, state?: string, approval?: { approved?: boolean } }>).filter(part => part.type.startsWith('tool-')).map(part => [part.state, part.approval?.approved])
        expect(states).toEqual(final.toolCalls.map(call => (call.approvalId && !final.answeredInputs.some(input => input.requestId === call.approvalId) ? ['output-denied', false] : ['output-error', call.approvalId ? true : undefined])))
      })
    }
  }
})

/** One step asking to delete a file, then waiting for the answer. */
async function askingRunner(context: RunContext): Promise<void> {
  context.emit({ type: 'step-start', step: 1 })
  context.text('Deleting it. ')
  context.emit({ type: 'step-end', step: 1, finishReason: 'tool_calls' })
  context.emit({ type: 'tool-call', id: 'call_delete', name: 'delete_file', args: { path: 'a.txt' }, step: 1 })
  await context.requestInput({ kind: 'tool-approval', prompt: 'Delete a.txt?', onTimeout: 'deny', toolCallId: 'call_delete', tool: 'delete_file', args: { path: 'a.txt' } })
}

const app = useServedRoutes({ runners: { chat: askingRunner } })

describe('a reload after the abort route stopped a job waiting for an approval', () => {
  it('no longer offers the approval: the call is cut off, as the job says', async () => {
    const chatId = 'chat-aborted-approval'
    const chat = new Chat<UIMessage>({
      id: chatId,
      transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }),
      sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
    })
    await chat.sendMessage({ text: 'Delete a.txt' })
    expect(chat.lastMessage!.parts.find(part => part.type === 'tool-delete_file')).toMatchObject({ state: 'approval-requested' })
    expect((await fetch(`${app.base}/api/jobs/chat/${chatId}/abort`, { method: 'POST' })).status).toBe(200)

    // The docs' reload: the chat's messages from the route, then a resume (204: nothing runs).
    const { messages } = await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json() as { messages: UIMessage[] }
    const [job] = await app.engine.listJobs('user-1', { threadId: chatId })
    expect(job!.status).toBe('aborted')
    expect(messages.at(-1)!.parts.find(part => part.type === 'tool-delete_file')).toMatchObject({ state: 'output-denied', approval: { approved: false, reason: STOPPED_BEFORE_APPROVAL_REASON } })
    // What GET /api/jobs/:id says of the call.
    const { state } = await app.engine.getJob('user-1', job!.id)
    expect(state.toolCalls).toMatchObject([{ id: 'call_delete', status: 'stopped', error: 'job aborted (aborted)' }])
  })
})
