/**
 * The UI message stream sink over a real loopback socket, read back by the AI SDK: the end of a
 * job, the end at a tool approval (after a whole catch-up, not in its middle), a client that stops
 * reading (resynced by a snapshot, exact text), and a stream cut rather than ended with a hole.
 */
import type { UIMessage } from 'ai'
import { afterEach, describe, expect, it } from 'vitest'
import type { JobEvent, JobEventPayload } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import type { UiStreamSink } from '../../server/lib/http/ui-stream-sink'
import { createLoopback, readAll, sdkMessage } from '../support/ui-stream-loopback'

const loopback = createLoopback()
afterEach(() => loopback.close())

const base = () => createJobState({ id: 'job', type: 'chat', createdAt: 0 })
const numbered = (payloads: JobEventPayload[]) => payloads.map((payload, index) => ({ ...payload, seq: index + 1, at: 0 }) as JobEvent)
const frame = (event: JobEvent) => ({ event: event.type, id: event.seq, data: event })
const open = (handle: (sink: UiStreamSink) => void, maxQueueBytes = 1_000_000) => loopback.open(handle, { maxQueueBytes })

const text = (message: UIMessage) => message.parts.map(part => (part.type === 'text' ? part.text : '')).join('')

describe('UI message stream sink', () => {
  it('writes the protocol header, the chunks and [DONE] at the job end', async () => {
    const events = numbered([{ type: 'step-start', step: 1 }, { type: 'text-delta', offset: 0, text: 'hé 😀' }, { type: 'job-end', status: 'completed', metrics: emptyMetrics() }])
    const response = await open(sink => events.forEach(event => sink.send(frame(event))))
    expect(response.headers['x-vercel-ai-ui-message-stream']).toBe('v1')
    const { body, cut } = await readAll(response)
    expect(cut).toBe(false)
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true)
    expect(text(await sdkMessage(body))).toBe('hé 😀')
  })

  it('ends at a tool approval only after a whole catch-up is through (a replay passes past approvals)', async () => {
    const ask: JobEventPayload[] = [
      { type: 'tool-call', id: 'd1', name: 'delete_file', args: {}, step: 1 },
      { type: 'input-request', requestId: 'r1', kind: 'tool-approval', prompt: '?', expiresAt: 1, onTimeout: 'deny', toolCallId: 'd1' },
      { type: 'job-status', status: 'waiting' },
    ]
    const answered: JobEventPayload[] = [
      { type: 'input-response', requestId: 'r1', answer: { approved: true }, answeredAt: 1, answeredBy: 'u' },
      { type: 'job-status', status: 'running' },
      { type: 'tool-result', id: 'd1', status: 'completed', result: 'ok', durationMs: 1 },
      { type: 'text-delta', offset: 0, text: 'Done.' },
    ]
    // Replayed in one go past the approval: the response stays open for the live tail.
    let replaySink: UiStreamSink | null = null
    const replay = await open((sink) => {
      replaySink = sink
      numbered([...ask, ...answered]).forEach(event => sink.send(frame(event)))
    })
    const replayed = readAll(replay)
    await new Promise(resolve => setImmediate(resolve))
    replaySink!.send(frame({ type: 'job-end', status: 'completed', metrics: emptyMetrics(), seq: 8, at: 0 }))
    expect(text(await sdkMessage((await replayed).body))).toBe('Done.')
    await loopback.close()
    // Caught up to a job that waits: the response ends at the request.
    const waiting = await open(sink => numbered(ask).forEach(event => sink.send(frame(event))))
    const { body } = await readAll(waiting)
    expect(body).toContain('"finishReason":"tool-calls"')
    expect((await sdkMessage(body)).parts[0]).toMatchObject({ state: 'approval-requested', approval: { id: 'r1' } })
  })

  it('a client that stops reading loses whole frames, then the resync snapshot gives it the exact text', async () => {
    const piece = 'x'.repeat(16 * 1024)
    let state = reduceEvents(base(), numbered([{ type: 'step-start', step: 1 }]))
    let sinkRef: UiStreamSink | null = null
    const response = await open((sink) => {
      sinkRef = sink
      sink.onResyncNeeded = () => {
        sink.send({ event: 'snapshot', id: state.seq, data: state })
        sink.send(frame({ type: 'job-end', status: 'completed', metrics: emptyMetrics(), seq: state.seq + 1, at: 0 }))
      }
      sink.send(frame(numbered([{ type: 'step-start', step: 1 }])[0]!))
    }, 64 * 1024)
    response.pause()
    await new Promise(resolve => setImmediate(resolve))
    // Write until frames are dropped (the kernel buffers fill first), then a few more.
    for (let index = 0; index < 4_000 && sinkRef!.dropped < 20; index++) {
      const event = { type: 'text-delta', offset: state.content.length, text: piece, seq: state.seq + 1, at: 0 } as JobEvent
      state = reduceEvents(state, [event])
      sinkRef!.send(frame(event))
    }
    expect(sinkRef!.dropped).toBe(20)
    const read = readAll(response)
    response.resume()
    const { body, cut } = await read
    expect(cut).toBe(false)
    expect(text(await sdkMessage(body))).toBe(state.content)
  })

  it('closed by the engine before the end, or with frames missing, the stream is cut (the SDK sees a disconnect)', async () => {
    const response = await open((sink) => {
      sink.send(frame(numbered([{ type: 'text-delta', offset: 0, text: 'partial' }])[0]!))
      sink.close()
    })
    const { body, cut } = await readAll(response)
    expect(cut).toBe(true)
    expect(body).not.toContain('[DONE]')
  })
})
