/**
 * The HTTP side of a viewer over a real loopback socket: framing, gzip flushed per frame, and a
 * client that stops reading never grows the server's queue past the bound (it gets a resync).
 * Uncompressed HTTP/1.1 frames go straight to the socket as ready-made chunks: keep-alive and
 * pipelined connections must still carry each response whole and in order.
 */
import { Agent, createServer, get } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import { createGunzip } from 'node:zlib'
import { createParser } from 'eventsource-parser'
import { afterEach, describe, expect, it } from 'vitest'
import type { SseSink } from '../../server/lib/http/sse-sink'
import { createSseSink, encodeFrame, formatFrame } from '../../server/lib/http/sse-sink'

let server: Server | null = null

afterEach(async () => {
  server?.closeAllConnections()
  await new Promise<void>(resolve => (server ? server.close(() => resolve()) : resolve()))
  server = null
})

/** Serves one SSE response built by `handle`, returns the client response. */
async function open(handle: (sink: SseSink, response: ServerResponse) => void, options: { gzip?: boolean, maxQueueBytes?: number } = {}) {
  server = createServer((request, response) => {
    handle(createSseSink(request, response, { compression: true, maxQueueBytes: options.maxQueueBytes ?? 1_000_000 }), response)
  })
  await new Promise<void>(resolve => server!.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return await new Promise<IncomingMessage>((resolve) => {
    get({ host: '127.0.0.1', port, path: '/', headers: options.gzip ? { 'accept-encoding': 'gzip' } : {} }, resolve)
  })
}

/** Opens a sink bounded at 64 KiB that counts its resync requests, with a client that has stopped reading. */
async function openStalledCountingResyncs(options: { gzip?: boolean } = {}) {
  let sinkRef: SseSink | null = null
  const counted = { resyncs: 0 }
  const response = await open((sink) => {
    sinkRef = sink
    sink.comment('open')
    sink.onResyncNeeded = () => {
      counted.resyncs++
    }
  }, { ...options, maxQueueBytes: 64 * 1024 })
  response.pause()
  return { response, sink: sinkRef! as SseSink, counted }
}

/** Listens with `handle` for every request; returns the port. */
async function listen(handle: (request: IncomingMessage, sink: SseSink) => void): Promise<number> {
  server = createServer((request, response) => handle(request, createSseSink(request, response, { compression: true, maxQueueBytes: 1_000_000 })))
  await new Promise<void>(resolve => server!.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

/** Decodes HTTP/1.1 responses read from a raw socket: each one's chunked body as text, in order. */
function decodeChunkedResponses(raw: string): string[] {
  const bodies: string[] = []
  let rest = raw
  while (rest.length > 0) {
    const headEnd = rest.indexOf('\r\n\r\n')
    expect(rest.slice(0, headEnd)).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*transfer-encoding: chunked/i)
    rest = rest.slice(headEnd + 4)
    let body = ''
    for (;;) {
      const sizeEnd = rest.indexOf('\r\n')
      const size = Number.parseInt(rest.slice(0, sizeEnd), 16)
      expect(Number.isNaN(size)).toBe(false)
      const chunk = rest.slice(sizeEnd + 2, sizeEnd + 2 + size)
      expect(rest.slice(sizeEnd + 2 + size, sizeEnd + 4 + size)).toBe('\r\n')
      rest = rest.slice(sizeEnd + 4 + size)
      if (size === 0) break
      body += chunk
    }
    bodies.push(body)
  }
  return bodies
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

  it('says the body varies with Accept-Encoding, gzip\'d or not', async () => {
    const plain = await open(sink => sink.close())
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.headers.vary).toBe('accept-encoding')
    plain.resume()
    server?.closeAllConnections()
    await new Promise<void>(resolve => server!.close(() => resolve()))
    const gzipped = await open(sink => sink.close(), { gzip: true })
    expect(gzipped.headers).toMatchObject({ 'content-encoding': 'gzip', 'vary': 'accept-encoding' })
    gzipped.resume()
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

  it('writes a catch-up whole past the bound, and a resync names the last frame written', async () => {
    let sinkRef: SseSink | null = null
    const positions: unknown[] = []
    const response = await open((sink) => {
      sinkRef = sink
      sink.onResyncNeeded = (written) => {
        positions.push(written)
        sink.close()
      }
      // A long answer's catch-up: its first frame alone passes the bound; the rest must still go out.
      sink.send({ event: 'snapshot', id: 7, data: { content: 'c'.repeat(256 * 1024) } as never }, { catchUp: true })
      sink.send({ event: 'step-end', id: 8, data: { type: 'step-end', seq: 8 } as never }, { catchUp: true })
      // Live frames queue behind that one big frame up to the bound; past it, one is dropped (and
      // asks for a resync from the last frame written once the client drains).
      sink.send({ event: 'step-start', id: 9, data: { type: 'step-start', seq: 9 } as never })
      sink.send({ event: 'text-delta', id: 10, data: { type: 'text-delta', seq: 10, text: 'd'.repeat(17 * 1024) } as never })
      sink.send({ event: 'step-start', id: 11, data: { type: 'step-start', seq: 11 } as never })
    }, { maxQueueBytes: 16 * 1024 })
    response.pause()
    await new Promise(resolve => setImmediate(resolve))
    expect(sinkRef!.dropped).toBe(1)
    const frames: Array<{ id?: string }> = []
    readFrames(response, frame => frames.push(frame))
    response.resume()
    await new Promise(resolve => response.on('end', resolve))
    expect(frames.map(frame => frame.id)).toEqual(['7', '8', '9', '10'])
    expect(positions).toEqual([{ seq: 10, epoch: 1 }])
  })

  it('a client that falls behind without losing a frame gets no resync (no repeated id)', async () => {
    const { response, sink: sinkRef, counted } = await openStalledCountingResyncs()
    // One frame larger than the bound: the queue goes over it (a stall) but nothing is dropped.
    sinkRef.write('text-delta', 1, { text: 'z'.repeat(512 * 1024) })
    expect(sinkRef.dropped).toBe(0)
    const frames: Array<{ id?: string }> = []
    const firstFrame = new Promise<void>((resolve) => {
      readFrames(response, (frame) => {
        frames.push(frame)
        resolve()
      })
    })
    response.resume()
    await firstFrame
    sinkRef.write('text-delta', 2, { text: 'after' })
    sinkRef.close()
    await new Promise(resolve => response.on('end', resolve))
    expect(counted.resyncs).toBe(0)
    expect(frames.map(frame => frame.id)).toEqual(['1', '2'])
  })

  it('a bound below the stream\'s own buffer never stalls a client that reads', async () => {
    let sinkRef: SseSink | null = null
    const response = await open((sink) => {
      sinkRef = sink
      // One turn's writes (a catch-up) go over the bound while the socket would still take more:
      // no `drain` is due, so refusing writes here would stall this client for good.
      sink.write('snapshot', 1, { content: 'c'.repeat(8 * 1024) })
      for (let index = 2; index <= 20; index++) sink.write('text-delta', index, { text: `piece ${index}` })
      setImmediate(() => {
        sink.write('job-end', 21, { status: 'completed' })
        sink.close()
      })
    }, { maxQueueBytes: 1024 })
    const frames: Array<{ id?: string }> = []
    readFrames(response, frame => frames.push(frame))
    await new Promise(resolve => response.on('end', resolve))
    expect(sinkRef!.dropped).toBe(0)
    expect(frames.map(frame => Number(frame.id))).toEqual(Array.from({ length: 21 }, (_, index) => index + 1))
  })

  it('a client still stalled at the next heartbeat is cut, so its queue and viewer are let go', async () => {
    let sinkRef: SseSink | null = null
    const response = await open((sink) => {
      sinkRef = sink
      sink.comment('open')
    }, { maxQueueBytes: 64 * 1024 })
    response.pause() // the client vanished: nothing is read any more
    const chunk = { text: 'y'.repeat(16 * 1024) }
    for (let index = 0; index < 4_000 && sinkRef!.dropped === 0; index++) sinkRef!.write('text-delta', index, chunk)
    expect(sinkRef!.dropped).toBeGreaterThan(0)
    let closed = false
    void sinkRef!.closed.then(() => {
      closed = true
    })
    // Heartbeats while the job goes on writing: the kernel buffers fill for good, and the
    // heartbeat after the one that found it stalled cuts it.
    let beats = 0
    for (; beats < 5_000 && !closed; beats++) {
      const before = sinkRef!.dropped
      for (let index = 0; index < 4_000 && sinkRef!.dropped === before; index++) sinkRef!.write('text-delta', index, chunk)
      sinkRef!.comment('ping')
      await new Promise(resolve => setImmediate(resolve))
    }
    await sinkRef!.closed
    expect(beats).toBeGreaterThanOrEqual(2)
  })

  it('a slow client that takes some of a big queue between heartbeats is not cut', async () => {
    let sinkRef: SseSink | null = null
    let serverSide: ServerResponse | null = null
    const response = await open((sink, outgoing) => {
      sinkRef = sink
      serverSide = outgoing
      sink.comment('open')
    }, { maxQueueBytes: 64 * 1024 })
    response.pause()
    // A resync snapshot far larger than the socket buffers: queued whole, the client stalled.
    const big = { text: 'z'.repeat(32 * 1024 * 1024) }
    await new Promise(resolve => setImmediate(resolve))
    sinkRef!.write('snapshot', 1, big)
    // Frames after it fill the bound (the snapshot is not counted in it), then one is dropped.
    for (let index = 0; index < 2_000 && sinkRef!.dropped === 0; index++) sinkRef!.write('text-delta', 2, { text: 'a'.repeat(16 * 1024) })
    expect(sinkRef!.dropped).toBe(1)
    let closed = false
    void sinkRef!.closed.then(() => {
      closed = true
    })
    // Between heartbeats the client reads one chunk: progress, though the queue never drains.
    for (let beat = 0; beat < 4; beat++) {
      sinkRef!.comment('ping')
      // What the socket has not handed to the kernel yet (the writer watches it too).
      const unsent = () => (serverSide!.socket as unknown as { _handle: { writeQueueSize: number } })._handle.writeQueueSize
      // The snapshot reached the socket's own queue (a write may wait for the next tick to get there).
      await expect.poll(unsent).toBeGreaterThan(0)
      const queued = unsent()
      let taken = 0
      await new Promise<void>((resolve) => {
        const take = (chunk: Buffer) => {
          taken += chunk.length
          if (taken < 4 * 1024 * 1024) return
          response.off('data', take)
          response.pause()
          resolve()
        }
        response.on('data', take)
        response.resume()
      })
      // The server handed the kernel more of the snapshot (what the client took made room).
      await expect.poll(unsent).toBeLessThan(queued)
      expect(closed).toBe(false)
      // Still stalled: what the job writes now is dropped (a resync comes once it drains).
      sinkRef!.write('text-delta', 3 + beat, { text: 'a' })
      expect(sinkRef!.dropped).toBe(2 + beat)
    }
    response.on('data', () => {})
    response.resume()
    sinkRef!.comment('ping')
    sinkRef!.close()
    await new Promise(resolve => response.on('end', resolve))
    expect(closed).toBe(true)
  })

  it('a client reading a gzip\'d snapshot is not cut while gzip still holds the snapshot whole', async () => {
    let sinkRef: SseSink | null = null
    const response = await open((sink) => {
      sinkRef = sink
      sink.comment('open')
    }, { gzip: true, maxQueueBytes: 64 * 1024 })
    // A snapshot that takes gzip a while (text that hardly compresses): gzip counts its input
    // whole until it is all compressed, and its output leaves at once to a client that reads.
    await new Promise(resolve => setImmediate(resolve))
    sinkRef!.write('snapshot', 1, { text: randomBytes(24 * 1024 * 1024).toString('base64') })
    // Frames after it fill the bound (the snapshot is not counted in it): stalled.
    for (let index = 0; index < 2_000 && sinkRef!.dropped === 0; index++) sinkRef!.write('text-delta', 2, { text: 'a'.repeat(16 * 1024) })
    expect(sinkRef!.dropped).toBe(1)
    let closed = false
    void sinkRef!.closed.then(() => {
      closed = true
    })
    let received = 0
    response.on('data', (chunk: Buffer) => {
      received += chunk.length
    })
    // Heartbeats while the client takes the compressed snapshot as fast as it comes.
    for (let beat = 0; beat < 3; beat++) {
      sinkRef!.comment('ping')
      const before = received
      // The client took more of it (or was cut, which the next line reports).
      await expect.poll(() => closed || received > before + 256 * 1024, { timeout: 10_000 }).toBe(true)
      expect(closed).toBe(false)
    }
    sinkRef!.close()
    await new Promise(resolve => response.on('end', resolve))
    expect(closed).toBe(true)
  })

  it('a client that drains between two heartbeats is not cut', async () => {
    const { response, sink: sinkRef, counted } = await openStalledCountingResyncs()
    const chunk = { text: 'y'.repeat(16 * 1024) }
    for (let index = 0; index < 4_000 && sinkRef.dropped === 0; index++) sinkRef.write('text-delta', index, chunk)
    sinkRef.comment('ping')
    response.on('data', () => {})
    response.resume()
    await expect.poll(() => counted.resyncs).toBe(1)
    sinkRef.comment('ping')
    sinkRef.comment('ping')
    sinkRef.write('job-end', 9_999, { status: 'completed' })
    sinkRef.close()
    await new Promise(resolve => response.on('end', resolve))
  })

  it('frames after a snapshot larger than the bound queue behind it, up to the bound: no drop, no new resync', async () => {
    const { response, sink: sinkRef, counted } = await openStalledCountingResyncs({ gzip: true })
    await new Promise(resolve => setImmediate(resolve))
    // A resync snapshot of a long answer, then the job streams on while it is being sent.
    sinkRef.write('snapshot', 1, { text: randomBytes(3 * 1024 * 1024).toString('base64') })
    for (let index = 2; index <= 40; index++) sinkRef.write('text-delta', index, { text: `piece ${index} ` })
    expect(sinkRef.dropped).toBe(0)
    const frames: Array<{ id?: string }> = []
    readFrames(response.pipe(createGunzip()), frame => frames.push(frame))
    response.resume()
    await expect.poll(() => frames.length).toBe(40)
    sinkRef.close()
    expect(counted.resyncs).toBe(0)
    expect(frames.map(frame => Number(frame.id))).toEqual(Array.from({ length: 40 }, (_, index) => index + 1))
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

  it('keeps a keep-alive connection usable: the next response on the socket arrives whole', async () => {
    const port = await listen((request, sink) => {
      sink.write('snapshot', 1, { path: request.url, text: 'hé 😀' })
      setImmediate(() => {
        sink.write('job-end', 2, { status: 'completed' })
        sink.close()
        // A late write after the end must not reach the socket (it now carries the next response).
        sink.write('text-delta', 3, { late: true })
      })
    })
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const results: Array<{ reused: boolean, frames: Array<[string | undefined, unknown]> }> = []
    for (const path of ['/one', '/two', '/three']) {
      results.push(await new Promise((resolve, reject) => {
        const request = get({ host: '127.0.0.1', port, path, agent }, (response) => {
          const frames: Array<[string | undefined, unknown]> = []
          readFrames(response, frame => frames.push([frame.event, JSON.parse(frame.data)]))
          response.on('end', () => resolve({ reused: request.reusedSocket, frames }))
        })
        request.on('error', reject)
      }))
    }
    agent.destroy()
    expect(results.map(result => result.reused)).toEqual([false, true, true])
    for (const [index, path] of ['/one', '/two', '/three'].entries()) {
      expect(results[index]!.frames).toEqual([['snapshot', { path, text: 'hé 😀' }], ['job-end', { status: 'completed' }]])
    }
  })

  it('keeps pipelined responses apart: one written while the one before it is still streaming waits its turn', async () => {
    const sinks = new Map<string, SseSink>()
    const port = await listen((request, sink) => {
      sinks.set(request.url!, sink)
      sink.write('snapshot', 1, { path: request.url })
    })
    const socket = connect(port, '127.0.0.1')
    let raw = ''
    socket.setEncoding('utf8')
    socket.on('data', (text: string) => {
      raw += text
    })
    socket.write('GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    await new Promise<void>((resolve) => {
      const check = () => (sinks.size === 2 ? resolve() : setImmediate(check))
      check()
    })
    sinks.get('/second')!.write('text-delta', 2, { path: '/second', early: true })
    sinks.get('/first')!.write('text-delta', 2, { path: '/first' })
    sinks.get('/first')!.close()
    await new Promise(resolve => setImmediate(resolve))
    sinks.get('/second')!.write('job-end', 3, { path: '/second' })
    sinks.get('/second')!.close()
    // Both responses ended (each with its empty last chunk).
    await new Promise<void>((resolve) => {
      const check = () => (raw.split('\r\n0\r\n\r\n').length > 2 ? resolve() : setImmediate(check))
      check()
    })
    socket.destroy()
    const bodies = decodeChunkedResponses(raw)
    expect(bodies).toEqual([
      `retry: 1000\n\n${formatFrame('snapshot', 1, { path: '/first' })}${formatFrame('text-delta', 2, { path: '/first' })}`,
      `retry: 1000\n\n${formatFrame('snapshot', 1, { path: '/second' })}${formatFrame('text-delta', 2, { path: '/second', early: true })}${formatFrame('job-end', 3, { path: '/second' })}`,
    ])
  })

  it('a response whose write a middleware replaced (e.g. compression in front of the app) gets every frame through it', async () => {
    const seen: string[] = []
    server = createServer((request, response) => {
      // What a compression middleware does: its own write and end in front of the response's.
      const write = response.write.bind(response) as (chunk: unknown) => boolean
      const end = response.end.bind(response) as () => void
      response.write = ((chunk: unknown) => {
        seen.push(String(chunk))
        return write(chunk)
      }) as typeof response.write
      response.end = (() => end()) as typeof response.end
      const sink = createSseSink(request, response, { compression: false, maxQueueBytes: 1_000_000 })
      sink.write('snapshot', 1, { open: true })
      sink.write('text-delta', 2, { type: 'text-delta', offset: 0, text: 'hi' })
      sink.close()
    })
    await new Promise<void>(resolve => server!.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const response = await new Promise<IncomingMessage>(resolve => get({ host: '127.0.0.1', port, path: '/' }, resolve))
    const frames: Array<{ id?: string, event?: string, data: string }> = []
    readFrames(response, frame => frames.push(frame))
    await new Promise(resolve => response.on('end', resolve))
    expect(frames.map(frame => frame.id)).toEqual(['1', '2'])
    expect(seen.join('')).toContain('event: snapshot')
    expect(seen.join('')).toContain('event: text-delta')
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
