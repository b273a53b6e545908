/**
 * Socket-direct SSE writes cork each socket until the end of the turn; one `nextTick` uncorks every
 * socket a turn wrote to (a tick per socket was a tick object per viewer per frame: a job's frame
 * to its two viewers made two). The frames still reach every client whole and in order.
 */
import type { IncomingMessage } from 'node:http'
import { get } from 'node:http'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { SseSink } from '../../server/lib/http/sse-sink'
import { closeServer, listen, readFrames } from '../support/sse-sink-server'

afterEach(() => {
  vi.restoreAllMocks()
})
afterEach(closeServer)

const VIEWERS = 3

/** Opens `VIEWERS` streams; resolves once each client read its first frame. */
async function openViewers() {
  const sinks: SseSink[] = []
  const frames: Array<Array<{ id?: string, data: string }>> = []
  const port = await listen((_request, sink) => {
    sinks.push(sink)
    sink.write('snapshot', 1, { text: '' })
  })
  const responses: IncomingMessage[] = []
  await Promise.all(Array.from({ length: VIEWERS }, (_, index) => new Promise<void>((resolve) => {
    frames.push([])
    get({ host: '127.0.0.1', port, path: `/${index}` }, (response) => {
      responses.push(response)
      readFrames(response, (frame) => {
        frames[index]!.push(frame)
        if (frames[index]!.length === 1) resolve()
      })
    })
  })))
  return { sinks, frames }
}

/** Waits until every client has `count` frames (read from loopback sockets: a few turns). */
async function untilEachHas(frames: Array<Array<unknown>>, count: number) {
  for (let turn = 0; turn < 1_000 && frames.some(list => list.length < count); turn++) await new Promise(resolve => setImmediate(resolve))
}

describe('socket-direct SSE writes', () => {
  it('uncork every socket a turn wrote to with one tick, and each client gets its frames in order', async () => {
    const { sinks, frames } = await openViewers()
    expect(sinks).toHaveLength(VIEWERS)
    await new Promise(resolve => setImmediate(resolve))
    const nextTick = vi.spyOn(process, 'nextTick')
    for (const sink of sinks) {
      sink.write('text-delta', 2, { offset: 0, text: 'a' })
      sink.write('text-delta', 3, { offset: 1, text: 'b' })
    }
    const ticks = nextTick.mock.calls.length
    nextTick.mockRestore()
    // Failed before: one tick per socket (3). A delta goes on the wire as its compact `[offset, text]` (shared/stream-wire.ts).
    expect(ticks).toBe(1)
    await untilEachHas(frames, 3)
    for (const list of frames) expect(list.map(frame => [frame.id, JSON.parse(frame.data)])).toEqual([['1', { text: '' }], ['2', [0, 'a']], ['3', [1, 'b']]])
  })

  it('uncorks in the next turn too: a socket written to again after the tick is corked and uncorked anew', async () => {
    const { sinks, frames } = await openViewers()
    for (const sink of sinks) sink.write('text-delta', 2, { offset: 0, text: 'a' })
    await new Promise(resolve => process.nextTick(resolve))
    for (const sink of sinks) sink.write('text-delta', 3, { offset: 1, text: 'b' })
    await untilEachHas(frames, 3)
    for (const list of frames) expect(list.map(frame => frame.id)).toEqual(['1', '2', '3'])
  })
})
