/**
 * The job → UI message stream mapping, read back by the AI SDK itself: every stream goes through
 * `DefaultChatTransport` (the SDK's chunk schema) and `readUIMessageStream` (its message builder).
 * Replays, snapshots, resyncs and continuations must all end in the same message.
 */
import { DefaultChatTransport, readUIMessageStream } from 'ai'
import type { UIMessage, UIMessageChunk } from 'ai'
import { describe, expect, it } from 'vitest'
import type { JobEvent, JobEventPayload } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { createUiChunkMapper } from '../../server/lib/ai-sdk/chunk-mapper'
import { partsFromChunks } from '../../server/lib/ai-sdk/ui-parts'
import type { UiChunk } from '../../server/lib/ai-sdk/ui-chunks'
import { formatChunk, UI_MESSAGE_STREAM_DONE, UI_MESSAGE_STREAM_HEADERS } from '../../server/lib/ai-sdk/ui-chunks'
import { mergeDeltas } from '../../server/lib/replay'
import type { ViewerFrame } from '../../server/lib/viewer'

// Our chunk type is a subset of the SDK's: this fails to compile if they drift apart.
const _compatible = (chunk: UiChunk): UIMessageChunk => chunk

const JOB = 'job-1'
const empty = () => createJobState({ id: JOB, type: 'chat', createdAt: 0 })

/** Numbers payloads like the engine does. */
function numbered(payloads: JobEventPayload[], from = 1): JobEvent[] {
  return payloads.map((payload, index) => ({ ...payload, seq: from + index, at: from + index }) as JobEvent)
}

const frame = (event: JobEvent): ViewerFrame => ({ event: event.type, id: event.seq, data: event })
const snapshot = (state: JobState): ViewerFrame => ({ event: 'snapshot', id: state.seq, data: state })

/** Maps frames sent in one go (as a catch-up is) from `known`; returns every chunk of the response. */
function mapFrames(frames: ViewerFrame[], known: JobState = empty()) {
  const mapper = createUiChunkMapper({ messageId: JOB, known })
  const chunks = [...mapper.start()]
  for (const item of frames) chunks.push(...mapper.frame(item))
  chunks.push(...mapper.endIfAwaitingApproval() ?? [])
  return { chunks, done: mapper.done }
}

/** What the SDK makes of our chunks: through its transport (schema) and message builder. */
async function sdkMessage(chunks: UiChunk[], message?: UIMessage): Promise<{ message: UIMessage, errors: string[] }> {
  const body = chunks.map(formatChunk).join('') + UI_MESSAGE_STREAM_DONE
  const transport = new DefaultChatTransport<UIMessage>({
    fetch: async () => new Response(body, { headers: { 'content-type': 'text/event-stream', ...UI_MESSAGE_STREAM_HEADERS } }),
  })
  const stream = await transport.reconnectToStream({ chatId: 'chat' })
  const errors: string[] = []
  let last: UIMessage | undefined
  for await (const next of readUIMessageStream<UIMessage>({ stream: stream!, message, onError: error => errors.push((error as Error).message) })) last = next
  return { message: last!, errors }
}

const text = (message: UIMessage) => message.parts.map(part => (part.type === 'text' ? part.text : '')).join('')

const TOOL_RUN: JobEventPayload[] = [
  { type: 'job-status', status: 'running' },
  { type: 'step-start', step: 1 },
  { type: 'reasoning-delta', offset: 0, text: 'Think' },
  { type: 'reasoning-delta', offset: 5, text: 'ing.' },
  { type: 'text-delta', offset: 0, text: 'Let me ' },
  { type: 'text-delta', offset: 7, text: 'check 😀. ' },
  { type: 'step-end', step: 1, finishReason: 'tool_calls' },
  { type: 'tool-call', id: 'c1', name: 'get_time', args: {}, step: 1 },
  { type: 'tool-call', id: 'c2', name: 'broken', args: { a: 1 }, step: 1 },
  { type: 'tool-result', id: 'c2', status: 'timeout', error: 'took too long', durationMs: 5 },
  { type: 'tool-result', id: 'c1', status: 'completed', result: { iso: 'now' }, durationMs: 1 },
  { type: 'step-start', step: 2 },
  { type: 'text-delta', offset: 17, text: 'It is ' },
  { type: 'text-delta', offset: 23, text: 'now.' },
  { type: 'step-end', step: 2, finishReason: 'stop' },
  { type: 'job-end', status: 'completed', metrics: emptyMetrics() },
]
const FULL_TEXT = 'Let me check 😀. It is now.'

describe('job events → UI message stream', () => {
  it('steps, reasoning, text and tool parts with outputs, as the SDK builds them', async () => {
    const { chunks, done } = mapFrames(numbered(TOOL_RUN).map(frame))
    expect(done).toBe(true)
    expect(chunks.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' })
    const { message, errors } = await sdkMessage(chunks)
    expect(errors).toEqual([])
    expect(message.id).toBe(JOB)
    expect(message.parts.map(part => part.type)).toEqual(['step-start', 'reasoning', 'text', 'tool-get_time', 'tool-broken', 'step-start', 'text'])
    expect(message.parts[1]).toMatchObject({ type: 'reasoning', text: 'Thinking.', state: 'done' })
    expect(message.parts[3]).toMatchObject({ toolCallId: 'c1', state: 'output-available', output: { iso: 'now' } })
    expect(message.parts[4]).toMatchObject({ toolCallId: 'c2', state: 'output-error', errorText: 'took too long', input: { a: 1 } })
    expect(text(message)).toBe(FULL_TEXT)
  })

  it('a replay (merged deltas) gives the same message as the live events, part ids included', async () => {
    const events = numbered(TOOL_RUN)
    const replay = mapFrames(mergeDeltas(events).map(frame)).chunks
    const live = mapFrames(events.map(frame)).chunks
    expect(replay.length).toBeLessThan(live.length)
    const starts = (chunks: UiChunk[]) => chunks.filter(chunk => chunk.type.endsWith('-start')).map(chunk => (chunk as { id?: string }).id)
    expect(starts(replay)).toEqual(starts(live))
    expect((await sdkMessage(replay)).message).toEqual((await sdkMessage(live)).message)
  })

  it('a snapshot instead of the log (not held) gives the same text and tool outputs', async () => {
    const events = numbered(TOOL_RUN)
    const beforeEnd = reduceEvents(empty(), events.slice(0, -1))
    const { message, errors } = await sdkMessage(mapFrames([snapshot(beforeEnd), frame(events.at(-1)!)]).chunks)
    expect(errors).toEqual([])
    expect(text(message)).toBe(FULL_TEXT)
    expect(message.parts.filter(part => part.type.startsWith('tool-')).map(part => (part as { state: string }).state)).toEqual(['output-available', 'output-error'])
  })

  it('a resync snapshot mid-way and deltas overlapping what the client has: the exact text, nothing twice', async () => {
    const events = numbered(TOOL_RUN)
    const resync = reduceEvents(empty(), events.slice(0, 12))
    const overlapping: JobEvent = { ...events[12] as Extract<JobEvent, { type: 'text-delta' }>, offset: 15, text: '. It is ' }
    const frames = [...events.slice(0, 5).map(frame), snapshot(resync), frame(overlapping), ...events.slice(13).map(frame)]
    const { message, errors } = await sdkMessage(mapFrames(frames).chunks)
    expect(errors).toEqual([])
    expect(text(message)).toBe(FULL_TEXT)
    expect(message.parts.filter(part => part.type === 'tool-get_time')).toHaveLength(1)
  })

  it('events the client already has (at or below its seq) are skipped', () => {
    const events = numbered(TOOL_RUN)
    const known = reduceEvents(empty(), events.slice(0, 6))
    const { chunks } = mapFrames(events.map(frame), known)
    const deltas = chunks.filter(chunk => chunk.type === 'text-delta').map(chunk => (chunk as { delta: string }).delta)
    expect(deltas).toEqual(['It is ', 'now.'])
  })

  it('a failed job ends with an error chunk (the SDK reports it), an aborted one with an abort chunk; partial text kept', async () => {
    const partial: JobEventPayload[] = [{ type: 'step-start', step: 1 }, { type: 'text-delta', offset: 0, text: 'Half' }]
    const failed = mapFrames(numbered([...partial, { type: 'job-end', status: 'failed', error: { code: 'upstream-error', message: 'upstream broke' }, metrics: emptyMetrics() }]).map(frame))
    expect(failed.chunks.slice(-4)).toEqual([{ type: 'text-end', id: 'text-2' }, { type: 'error', errorText: 'upstream broke' }, { type: 'finish-step' }, { type: 'finish', finishReason: 'error' }])
    const read = await sdkMessage(failed.chunks)
    expect(read.errors).toEqual(['upstream broke'])
    expect(text(read.message)).toBe('Half')
    const aborted = mapFrames(numbered([...partial, { type: 'job-end', status: 'aborted', error: { code: 'aborted', message: 'Aborted by the user' }, metrics: emptyMetrics() }]).map(frame))
    expect(aborted.chunks.at(-1)).toEqual({ type: 'abort', reason: 'Aborted by the user' })
    expect(text((await sdkMessage(aborted.chunks)).message)).toBe('Half')
  })
})

/** Two deletions asked for approval; then one approved, one denied. */
const ASK: JobEventPayload[] = [
  { type: 'step-start', step: 1 },
  { type: 'step-end', step: 1, finishReason: 'tool_calls' },
  { type: 'tool-call', id: 'd1', name: 'delete_file', args: { path: 'a' }, step: 1 },
  { type: 'tool-call', id: 'd2', name: 'delete_file', args: { path: 'b' }, step: 1 },
  { type: 'input-request', requestId: 'r1', kind: 'tool-approval', prompt: 'Allow?', expiresAt: 99, onTimeout: 'deny', toolCallId: 'd1', tool: 'delete_file', args: { path: 'a' } },
  { type: 'job-status', status: 'waiting' },
  { type: 'input-request', requestId: 'r2', kind: 'tool-approval', prompt: 'Allow?', expiresAt: 99, onTimeout: 'deny', toolCallId: 'd2', tool: 'delete_file', args: { path: 'b' } },
]
const AFTER: JobEventPayload[] = [
  { type: 'input-response', requestId: 'r1', answer: { approved: true }, answeredAt: 1, answeredBy: 'u' },
  { type: 'input-response', requestId: 'r2', answer: { approved: false, reason: 'keep it' }, answeredAt: 1, answeredBy: 'u' },
  { type: 'job-status', status: 'running' },
  { type: 'tool-result', id: 'd2', status: 'denied', error: 'denied: keep it', durationMs: 0 },
  { type: 'tool-result', id: 'd1', status: 'completed', result: { deleted: 'a' }, durationMs: 1 },
  { type: 'step-start', step: 2 },
  { type: 'text-delta', offset: 0, text: 'Deleted a.' },
  { type: 'step-end', step: 2, finishReason: 'stop' },
  { type: 'job-end', status: 'completed', metrics: emptyMetrics() },
]

describe('tool approvals', () => {
  it('live, the response ends once every running call waits for approval (not at the first request)', async () => {
    const events = numbered(ASK)
    const mapper = createUiChunkMapper({ messageId: JOB, known: empty() })
    const ends = events.map(event => (mapper.frame(frame(event)), mapper.endIfAwaitingApproval(), mapper.done))
    expect(ends).toEqual([false, false, false, false, false, false, true])
    const { chunks } = mapFrames(events.map(frame))
    expect(chunks.slice(-2)).toEqual([{ type: 'finish-step' }, { type: 'finish', finishReason: 'tool-calls' }])
    const { message } = await sdkMessage(chunks)
    expect(message.parts.filter(part => part.type === 'tool-delete_file')).toMatchObject([
      { toolCallId: 'd1', state: 'approval-requested', approval: { id: 'r1' } },
      { toolCallId: 'd2', state: 'approval-requested', approval: { id: 'r2' } },
    ])
  })

  it('a call still running keeps the response open while another waits for approval', () => {
    const events = numbered([...ASK.slice(0, 5), { type: 'job-status', status: 'waiting' }])
    expect(mapFrames(events.map(frame)).done).toBe(false)
  })

  it('the continuation after the answers extends the same message: approvals answered, outputs, the rest of the answer', async () => {
    const asked = numbered(ASK)
    const first = await sdkMessage(mapFrames(asked.map(frame)).chunks)
    const known = reduceEvents(empty(), asked)
    const continuation = mapFrames(numbered(AFTER, asked.length + 1).map(frame), known)
    const { message, errors } = await sdkMessage(continuation.chunks, first.message)
    expect(errors).toEqual([])
    expect(message.id).toBe(JOB)
    expect(message.parts.filter(part => part.type === 'tool-delete_file')).toMatchObject([
      { toolCallId: 'd1', state: 'output-available', output: { deleted: 'a' }, approval: { id: 'r1', approved: true } },
      { toolCallId: 'd2', state: 'output-denied', approval: { id: 'r2', approved: false, reason: 'keep it' } },
    ])
    expect(text(message)).toBe('Deleted a.')
  })

  it('a replay passes through past approvals; the replay and a snapshot give the same tool states', async () => {
    const events = numbered([...ASK, ...AFTER])
    const replayed = await sdkMessage(mapFrames(events.map(frame)).chunks)
    expect(text(replayed.message)).toBe('Deleted a.')
    const fromSnapshot = await sdkMessage(mapFrames([snapshot(reduceEvents(empty(), events.slice(0, -1))), frame(events.at(-1)!)]).chunks)
    const states = (message: UIMessage) => message.parts.filter(part => part.type === 'tool-delete_file').map(part => [(part as { state: string }).state, (part as { approval?: unknown }).approval])
    expect(states(fromSnapshot.message)).toEqual(states(replayed.message))
    expect(text(fromSnapshot.message)).toBe('Deleted a.')
  })
})

describe('history parts built on the server', () => {
  it('are the parts the SDK builds from the same chunks (finished, waiting, approved, still running)', async () => {
    const logs = [TOOL_RUN, ASK, [...ASK, ...AFTER], TOOL_RUN.slice(0, 13)]
    for (const log of logs) {
      const { chunks } = mapFrames(numbered(log).map(frame))
      const { message } = await sdkMessage(chunks)
      expect(partsFromChunks(chunks)).toEqual(JSON.parse(JSON.stringify(message.parts)))
    }
  })
})
