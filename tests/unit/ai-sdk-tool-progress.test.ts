/**
 * A running call's progress in the AI SDK UI message stream: a `data-tool-progress` part whose id
 * is the call's, so the SDK keeps one per call and replaces it with each update — from live events
 * and from a snapshot (a client that joins mid-call) alike; a replay carries each call's first and
 * latest update, an ended call's too (catch-up.ts, replayed-progress.ts). Read back by the SDK itself (its chunk
 * schema and message builder); the server's own history (partsFromChunks) builds the same part.
 */
import { describe, expect, it } from 'vitest'
import type { JobEvent, JobEventPayload } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { createUiChunkMapper } from '../../server/lib/ai-sdk/chunk-mapper'
import { catchUpFrames } from '../../server/lib/catch-up'
import { partsFromChunks } from '../../server/lib/ai-sdk/ui-parts'
import type { ViewerFrame } from '../../server/lib/viewer'
import { sdkMessage } from '../support/sdk-message'

const JOB = 'job-1'
const empty = () => createJobState({ id: JOB, type: 'chat', createdAt: 0 })

function numbered(payloads: Array<JobEventPayload & { nodeId?: string }>): JobEvent[] {
  return payloads.map((payload, index) => ({ ...payload, seq: index + 1, at: 100 + index }) as JobEvent)
}

const RUNNING: JobEventPayload[] = [
  { type: 'job-status', status: 'running' },
  { type: 'step-start', step: 1 },
  { type: 'tool-call', id: 'c1', name: 'crawl_site', args: {}, step: 1 },
  { type: 'tool-progress', id: 'c1', message: 'Fetched 3 of 10 pages', fraction: 0.3 },
  { type: 'tool-progress', id: 'c1', message: 'Fetched 4 of 10 pages' },
]

describe('tool progress in the UI message stream', () => {
  it('is one data part per call, replaced by each update', async () => {
    const mapper = createUiChunkMapper({ messageId: JOB, known: empty() })
    const chunks = [...mapper.start(), ...numbered(RUNNING).flatMap(event => mapper.frame({ event: event.type, id: event.seq, data: event }))]
    expect(chunks.filter(chunk => chunk.type === 'data-tool-progress')).toEqual([
      { type: 'data-tool-progress', id: 'c1', data: { toolCallId: 'c1', message: 'Fetched 3 of 10 pages', fraction: 0.3 } },
      { type: 'data-tool-progress', id: 'c1', data: { toolCallId: 'c1', message: 'Fetched 4 of 10 pages' } },
    ])
    const message = await sdkMessage(chunks)
    const data = message.parts.filter(part => part.type === 'data-tool-progress')
    expect(data).toEqual([{ type: 'data-tool-progress', id: 'c1', data: { toolCallId: 'c1', message: 'Fetched 4 of 10 pages' } }])
    expect(partsFromChunks(chunks)).toEqual(message.parts)
  })

  it('comes from a snapshot for a client that joins mid-call, and not again for an update it has', async () => {
    const state = reduceEvents(empty(), numbered(RUNNING))
    const mapper = createUiChunkMapper({ messageId: JOB, known: empty() })
    const chunks = [...mapper.start(), ...mapper.frame({ event: 'snapshot', id: state.seq, data: state } satisfies ViewerFrame)]
    expect(chunks.filter(chunk => chunk.type === 'data-tool-progress')).toEqual([
      { type: 'data-tool-progress', id: 'c1', data: { toolCallId: 'c1', message: 'Fetched 4 of 10 pages' } },
    ])
    const again = createUiChunkMapper({ messageId: JOB, known: state })
    const resync = { ...state, seq: state.seq + 1 }
    expect(again.frame({ event: 'snapshot', id: resync.seq, data: resync }).some(chunk => chunk.type === 'data-tool-progress')).toBe(false)
    const message = await sdkMessage(chunks)
    expect(message.parts.find(part => part.type === 'data-tool-progress')).toMatchObject({ data: { message: 'Fetched 4 of 10 pages' } })
  })

  it('comes from a replay as the call\'s first and latest update, also once the call ended (as the live message keeps it)', async () => {
    const replayed = async (payloads: Array<JobEventPayload & { nodeId?: string }>) => {
      const events = numbered(payloads)
      const frames = catchUpFrames({ events, complete: true, state: reduceEvents(empty(), events), baseState: empty() }, { epoch: 1, seq: 0 })
      const mapper = createUiChunkMapper({ messageId: JOB, known: empty() })
      const chunks = [...mapper.start(), ...frames.flatMap(frame => mapper.frame(frame))]
      return { chunks: chunks.filter(chunk => chunk.type === 'data-tool-progress'), message: await sdkMessage(chunks) }
    }
    const firstUpdate = { type: 'data-tool-progress', id: 'c1', data: { toolCallId: 'c1', message: 'Fetched 3 of 10 pages', fraction: 0.3 } }
    const latest = { type: 'data-tool-progress', id: 'c1', data: { toolCallId: 'c1', message: 'Fetched 4 of 10 pages' } }
    const running = await replayed(RUNNING)
    expect(running.chunks).toEqual([firstUpdate, latest])
    // Before: none, while the live message kept the ended call's last update (decision 43).
    const ended = await replayed([...RUNNING, { type: 'tool-result', id: 'c1', status: 'completed', result: { pages: 10 }, durationMs: 5 }])
    expect(ended.chunks).toEqual([firstUpdate, latest])
    expect(ended.message.parts.filter(part => part.type === 'data-tool-progress')).toEqual([latest])
    expect(ended.message.parts.find(part => part.type === 'tool-crawl_site')).toMatchObject({ state: 'output-available' })
    // Text the replay opens right after progress it left out (a workflow's agent beside the tool): one part, read by the SDK.
    const beside = await replayed([...RUNNING, { type: 'text-delta', offset: 0, text: 'Meanwhile', nodeId: 'write' }, { type: 'tool-progress', id: 'c1', message: 'Fetched 5 of 10 pages' }, { type: 'text-delta', offset: 9, text: ', more.', nodeId: 'write' }])
    expect(beside.message.parts.filter(part => part.type === 'text').map(part => part.text)).toEqual(['Meanwhile, more.'])
    expect(beside.chunks).toEqual([firstUpdate, { type: 'data-tool-progress', id: 'c1', data: { toolCallId: 'c1', message: 'Fetched 5 of 10 pages' } }])
  })
})
