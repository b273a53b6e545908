/**
 * The HTTP side of a viewer over a real loopback socket: framing, gzip flushed per frame, and a
 * client that stops reading never grows the server's queue past the bound (it gets a resync).
 */
import { createServer, get } from 'node:http'
import type { IncomingMessage, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createGunzip } from 'node:zlib'
import { createParser } from 'eventsource-parser'
import { afterEach, describe, expect, it } from 'vitest'
import type { SseSink } from '../../server/lib/http/sse-sink'
import { createSseSink, formatFrame } from '../../server/lib/http/sse-sink'

let server: Server | null = null

afterEach(async () => {
  server?.closeAllConnections()
  await new Promise<void>(resolve => (server ? server.close(() => resolve()) : resolve()))
  server = null
})

/** Serves one SSE response built by `handle`, returns the client response. */
async function open(handle: (sink: SseSink) => void, options: { gzip?: boolean, maxQueueBytes?: number } = {}) {
  server = createServer((request, response) => {
    handle(createSseSink(request, response, { compression: true, maxQueueBytes: options.maxQueueBytes ?? 1_000_000 }))
  })
  await new Promise<void>(resolve => server!.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return await new Promise<IncomingMessage>((resolve) => {
    get({ host: '127.0.0.1', port, path: '/', headers: options.gzip ? { 'accept-encoding': 'gzip' } : {} }, resolve)
  })
}

function readFrames(stream: NodeJS.ReadableStream, onFrame: (frame: { id?: string, event?: string, data: string }) => void) {
  const parser = createParser({ onEvent: event => onFrame(event) })
  stream.setEncoding('utf8')
  stream.on('data', (chunk: string) => parser.feed(chunk))
}

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

  it('a client that stops reading gets frames dropped at the bound, then one resync when it drains', async () => {
    let sinkRef: SseSink | null = null
    let resyncs = 0
    const response = await open((sink) => {
      sinkRef = sink
      sink.comment('open') // sends the headers
      sink.onResyncNeeded = () => {
        resyncs++
        sink.write('snapshot', 9_999, { resync: true })
        sink.close()
      }
    }, { maxQueueBytes: 64 * 1024 })
    response.pause() // the client stops reading
    const chunk = { text: 'y'.repeat(16 * 1024) }
    // Write until the sink starts dropping (the kernel buffers fill first).
    for (let index = 0; index < 4_000 && sinkRef!.dropped === 0; index++) sinkRef!.write('text-delta', index, { ...chunk, index })
    expect(sinkRef!.dropped).toBeGreaterThan(0)
    for (let index = 0; index < 100; index++) sinkRef!.write('text-delta', 5_000 + index, chunk)
    expect(sinkRef!.dropped).toBeGreaterThan(100)
    // Resume: once drained, the engine's resync hook runs exactly once.
    const frames: Array<{ data: string }> = []
    readFrames(response, frame => frames.push(frame))
    response.resume()
    await new Promise(resolve => response.on('end', resolve))
    expect(resyncs).toBe(1)
    expect(JSON.parse(frames.at(-1)!.data)).toEqual({ resync: true })
  })

  it('a client that falls behind without losing a frame gets no resync (no repeated id)', async () => {
    let sinkRef: SseSink | null = null
    let resyncs = 0
    const response = await open((sink) => {
      sinkRef = sink
      sink.comment('open')
      sink.onResyncNeeded = () => {
        resyncs++
      }
    }, { maxQueueBytes: 64 * 1024 })
    response.pause()
    // One frame larger than the bound: the queue goes over it (a stall) but nothing is dropped.
    sinkRef!.write('text-delta', 1, { text: 'z'.repeat(512 * 1024) })
    expect(sinkRef!.dropped).toBe(0)
    const frames: Array<{ id?: string }> = []
    const firstFrame = new Promise<void>((resolve) => {
      readFrames(response, (frame) => {
        frames.push(frame)
        resolve()
      })
    })
    response.resume()
    await firstFrame
    sinkRef!.write('text-delta', 2, { text: 'after' })
    sinkRef!.close()
    await new Promise(resolve => response.on('end', resolve))
    expect(resyncs).toBe(0)
    expect(frames.map(frame => frame.id)).toEqual(['1', '2'])
  })
})
