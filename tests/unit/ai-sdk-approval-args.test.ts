/**
 * A tool approval asks about the arguments the tool would run with: the call's input after the
 * tool's schema (defaults, transforms), which the job's input request carries. The UI message
 * stream carries them as the approval's descriptor (`approval.descriptor.args`, the SDK's opaque
 * approval metadata), the same live, replayed, from a snapshot, cut off by an abort and from the
 * messages route's builder; the part's `input` — what the SDK sends back to the model — stays the
 * model's own arguments. Before, the stream carried only the model's arguments: an AI SDK client
 * could not show what it was asked to approve (the main chat shows the checked ones).
 */
import { convertToModelMessages } from 'ai'
import { describe, expect, it } from 'vitest'
import type { JobEvent, JobEventPayload } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { createUiChunkMapper } from '../../server/lib/ai-sdk/chunk-mapper'
import type { UiChunk } from '../../server/lib/ai-sdk/ui-chunks'
import { partsFromChunks } from '../../server/lib/ai-sdk/ui-parts'
import type { ViewerFrame } from '../../server/lib/viewer'
import { sdkMessage } from '../support/sdk-message'

const JOB = 'job-args'
const empty = () => createJobState({ id: JOB, type: 'chat', createdAt: 0 })
const frame = (event: JobEvent): ViewerFrame => ({ event: event.type, id: event.seq, data: event })
const snapshot = (state: JobState): ViewerFrame => ({ event: 'snapshot', id: state.seq, data: state })
const numbered = (payloads: JobEventPayload[]): JobEvent[] => payloads.map((payload, index) => ({ ...payload, seq: index + 1, at: index + 1 }) as JobEvent)

function mapFrames(frames: ViewerFrame[], known: JobState = empty()): UiChunk[] {
  const mapper = createUiChunkMapper({ messageId: JOB, known })
  const chunks = [...mapper.start()]
  for (const item of frames) chunks.push(...mapper.frame(item))
  chunks.push(...mapper.endIfAwaitingApproval() ?? [])
  return chunks
}

const toolParts = (parts: Array<{ type: string }>) => parts.filter(part => part.type.startsWith('tool-'))

/** The model leaves `recursive` out; the tool's schema defaults it: the job asks with both. */
const RAW = { path: 'notes' }
const CHECKED = { path: 'notes', recursive: false }
const ASKED: JobEventPayload[] = [
  { type: 'job-status', status: 'running' },
  { type: 'step-start', step: 1 },
  { type: 'step-end', step: 1, finishReason: 'tool_calls' },
  { type: 'tool-call', id: 'c1', name: 'delete_file', args: RAW, step: 1 },
  { type: 'input-request', requestId: 'r1', kind: 'tool-approval', prompt: 'Allow?', expiresAt: 1e12, onTimeout: 'deny', toolCallId: 'c1', tool: 'delete_file', args: CHECKED },
  { type: 'job-status', status: 'waiting' },
]
const ANSWERED: JobEventPayload[] = [
  { type: 'input-response', requestId: 'r1', answer: { approved: true }, answeredAt: 1, answeredBy: 'u' },
  { type: 'job-status', status: 'running' },
  { type: 'tool-result', id: 'c1', status: 'completed', result: { deleted: 'notes' }, durationMs: 1 },
  { type: 'job-end', status: 'completed', metrics: emptyMetrics() },
]
const ABORTED: JobEventPayload = { type: 'job-end', status: 'aborted', error: { code: 'aborted', message: 'Aborted by the user' }, metrics: emptyMetrics() }

describe('a tool approval carries the arguments the tool would run with', () => {
  it('while it waits: as the approval descriptor, the input left as the model gave it', async () => {
    const chunks = mapFrames(numbered(ASKED).map(frame))
    const message = await sdkMessage(chunks)
    const [part] = toolParts(message.parts)
    expect(part).toMatchObject({ state: 'approval-requested', input: RAW, approval: { id: 'r1', descriptor: { args: CHECKED } } })
    // The messages route builds the same part.
    expect(toolParts(partsFromChunks(chunks))).toEqual([part])
    // What the SDK sends back to the model is the model's own call.
    const model = await convertToModelMessages([message])
    expect(JSON.stringify(model)).not.toContain('recursive')
  })

  it('the same live, from a snapshot and after the answer; kept once answered', async () => {
    const events = numbered([...ASKED, ...ANSWERED])
    const live = toolParts((await sdkMessage(mapFrames(events.map(frame)))).parts)
    expect(live).toMatchObject([{ state: 'output-available', input: RAW, approval: { id: 'r1', approved: true, descriptor: { args: CHECKED } } }])
    const fromSnapshot = toolParts((await sdkMessage(mapFrames([snapshot(reduceEvents(empty(), events))]))).parts)
    expect(fromSnapshot).toEqual(live)
    expect(toolParts(partsFromChunks(mapFrames(events.map(frame))))).toEqual(live)
  })

  it('cut off by an abort: the same from the events and from a snapshot of the ended job', async () => {
    const events = numbered([...ASKED, ABORTED])
    const live = toolParts((await sdkMessage(mapFrames(events.map(frame)))).parts)
    expect(live).toMatchObject([{ state: 'output-denied', approval: { id: 'r1', approved: false, descriptor: { args: CHECKED } } }])
    const ended = toolParts((await sdkMessage(mapFrames([snapshot(reduceEvents(empty(), events))]))).parts)
    expect(ended).toEqual(live)
  })
})
