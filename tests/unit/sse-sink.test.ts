/**
 * The HTTP side of a viewer over a real loopback socket: frame format and encoding, framing a
 * standard parser reads back, gzip flushed per frame, and writes after the client left.
 * Backpressure, stalled clients and connection reuse have their own files (sse-sink-*.test.ts).
 */
import { createGunzip } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import type { SseSink } from '../../server/lib/http/sse-sink'
import { encodeFrame, formatFrame } from '../../server/lib/http/sse-sink'
import { closeServer, open, readFrames } from '../support/sse-sink-server'

afterEach(closeServer)

describe('SSE sink', () => {
  it('formats one frame per event with id, event and one-line JSON data', () => {
    expect(formatFrame('text-delta', 7, { text: 'a\nb' })).toBe('id: 7\nevent: text-delta\ndata: {"text":"a\\nb"}\n\n')
    const shared = { seq: 1 }
    expect(formatFrame('x', 1, shared)).toBe(formatFrame('x', 1, shared))
  })

  it('writes frames a standard parser reads back, then ends', async () => {
    const response = await open((sink) => {
      sink.write('snapshot', 1, { content: 'hé 😀' })
      sink.comment('ping')
      sink.write('job-end', 2, { status: 'completed' })
      sink.close()
    })
    expect(response.headers['content-type']).toContain('text/event-stream')
    expect(response.headers['content-encoding']).toBeUndefined()
    const frames: Array<{ id?: string, event?: string, data: string }> = []
    readFrames(response, frame => frames.push(frame))
    await new Promise(resolve => response.on('end', resolve))
    expect(frames.map(frame => [frame.id, frame.event, JSON.parse(frame.data)])).toEqual([
      ['1', 'snapshot', { content: 'hé 😀' }],
      ['2', 'job-end', { status: 'completed' }],
    ])
  })

  it('gzips when accepted and flushes every frame (the first frame arrives while the stream is open)', async () => {
    let sinkRef: SseSink | null = null
    const response = await open((sink) => {
      sinkRef = sink
      sink.write('snapshot', 1, { content: 'x'.repeat(100) })
    }, { gzip: true })
    expect(response.headers['content-encoding']).toBe('gzip')
    const first = await new Promise<{ data: string }>((resolve) => {
      readFrames(response.pipe(createGunzip()), resolve)
    })
    expect(JSON.parse(first.data)).toEqual({ content: 'x'.repeat(100) })
    sinkRef!.close()
  })

  it('says the body varies with Accept-Encoding, gzip\'d or not', async () => {
    const plain = await open(sink => sink.close())
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.headers.vary).toBe('accept-encoding')
    plain.resume()
    await closeServer()
    const gzipped = await open(sink => sink.close(), { gzip: true })
    expect(gzipped.headers).toMatchObject({ 'content-encoding': 'gzip', 'vary': 'accept-encoding' })
    gzipped.resume()
  })

  it('encodes a frame once for all its viewers, never reusing bytes across frames', () => {
    const first = { seq: 1, text: 'a' }
    const second = { seq: 1, text: 'b' }
    const bytes = encodeFrame('text-delta', 1, first)
    expect(encodeFrame('text-delta', 1, first)).toBe(bytes)
    expect(encodeFrame('text-delta', 1, second).body.toString()).toBe(formatFrame('text-delta', 1, second))
    expect(encodeFrame('text-delta', 1, first).body.toString()).toBe(formatFrame('text-delta', 1, first))
    // The same object under another id or event name is another frame.
    expect(encodeFrame('text-delta', 2, first).body.toString()).toBe(formatFrame('text-delta', 2, first))
    expect(encodeFrame('snapshot', 2, first).body.toString()).toBe(formatFrame('snapshot', 2, first))
    expect(encodeFrame('x', 3, 'plain').chunk.toString()).toBe(`${Buffer.byteLength(formatFrame('x', 3, 'plain')).toString(16)}\r\n${formatFrame('x', 3, 'plain')}\r\n`)
  })

  it('a write after the client went away is dropped quietly', async () => {
    let sinkRef: SseSink | null = null
    const response = await open((sink) => {
      sinkRef = sink
      sink.write('snapshot', 1, { open: true })
    })
    response.destroy()
    await sinkRef!.closed
    expect(() => sinkRef!.write('text-delta', 2, { text: 'x' })).not.toThrow()
    sinkRef!.close()
  })
})
