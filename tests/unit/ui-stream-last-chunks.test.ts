/**
 * A UI message stream's last chunks (`finish`, then `data: [DONE]`) reach a slow client: a
 * response ends right after them, so they are never left out for a client that is behind, as
 * live frames are (the client would get a stream that simply stops: no `finish { finishReason:
 * 'tool-calls' }` for an answer waiting for approvals, no `[DONE]`). Before, they were written
 * like any live frame, and dropped while the writer was stalled by the catch-up just before them.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { JobEvent, JobEventPayload } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import type { UiStreamSink } from '../../server/lib/http/ui-stream-sink'
import { createLoopback, readAll, sdkMessage } from '../support/ui-stream-loopback'

const loopback = createLoopback()
afterEach(() => loopback.close())

const numbered = (payloads: JobEventPayload[]) => payloads.map((payload, index) => ({ ...payload, seq: index + 1, at: 0 }) as JobEvent)
const frame = (event: JobEvent) => ({ event: event.type, id: event.seq, data: event })

/**
 * A long answer in 64 KiB deltas: 6 MiB, more than the kernel buffers of a loopback socket hold
 * (a send buffer grows to 4 MiB at most here), so the writer's own queue passes the bound.
 */
function longAnswer(): JobEventPayload[] {
  const piece = 'x'.repeat(64 * 1024)
  return [{ type: 'step-start', step: 1 }, ...Array.from({ length: 96 }, (_, index): JobEventPayload => ({ type: 'text-delta', offset: index * piece.length, text: piece }))]
}

/**
 * Sends `events` as one catch-up (a resume's replay, written whole) to a client that reads nothing
 * until it is all sent: past the 64 KiB bound, the writer is stalled when the last chunks come.
 */
async function caughtUpSlowly(events: JobEvent[]): Promise<{ body: string, cut: boolean }> {
  let sinkRef: UiStreamSink | null = null
  const response = await loopback.open((sink) => {
    sinkRef = sink
  }, { maxQueueBytes: 64 * 1024 })
  response.pause()
  await new Promise(resolve => setImmediate(resolve))
  for (const event of events) sinkRef!.send(frame(event), { catchUp: true })
  const read = readAll(response)
  response.resume()
  return await read
}

describe('the last chunks of a UI message stream to a slow client', () => {
  it('an answer waiting for approvals: its finish (tool-calls) and [DONE] come after a catch-up past the bound', async () => {
    const events = numbered([
      ...longAnswer(),
      { type: 'step-end', step: 1, finishReason: 'tool_calls' },
      { type: 'tool-call', id: 'd1', name: 'delete_file', args: {}, step: 1 },
      { type: 'input-request', requestId: 'r1', kind: 'tool-approval', prompt: '?', expiresAt: 1, onTimeout: 'deny', toolCallId: 'd1' },
      { type: 'job-status', status: 'waiting' },
    ])
    const { body, cut } = await caughtUpSlowly(events)
    expect(cut).toBe(false)
    expect(body.slice(-200)).toContain('{"type":"finish","finishReason":"tool-calls"}')
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true)
    expect((await sdkMessage(body)).parts.at(-1)).toMatchObject({ state: 'approval-requested' })
  })

  it('an ended answer: [DONE] comes after a catch-up past the bound', async () => {
    const events = numbered([...longAnswer(), { type: 'step-end', step: 1, finishReason: 'stop' }, { type: 'job-end', status: 'completed', metrics: emptyMetrics() }])
    const { body, cut } = await caughtUpSlowly(events)
    expect(cut).toBe(false)
    expect(body.slice(-200)).toContain('{"type":"finish","finishReason":"stop"}')
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true)
  })
})
