/**
 * The SSE sink on shared and wrapped connections: uncompressed HTTP/1.1 frames go straight to the
 * socket as ready-made chunks, so keep-alive and pipelined connections must still carry each
 * response whole and in order, and a middleware's own write must still see every frame.
 */
import { Agent, get } from 'node:http'
import type { IncomingMessage } from 'node:http'
import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { SseSink } from '../../server/lib/http/sse-sink'
import { createSseSink, formatFrame } from '../../server/lib/http/sse-sink'
import { closeServer, listen, readFrames, serve } from '../support/sse-sink-server'

afterEach(closeServer)


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

describe('SSE sink', () => {
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

  it('a client that asked to close the connection gets `Connection: close`, and the connection ends with the stream', async () => {
    const port = await listen((_request, sink) => {
      sink.write('snapshot', 1, { open: true })
      setImmediate(() => sink.close())
    })
    const socket = connect(port, '127.0.0.1')
    let raw = ''
    socket.setEncoding('utf8')
    socket.on('data', (text: string) => {
      raw += text
    })
    const ended = new Promise<void>(resolve => socket.once('end', resolve))
    socket.write('GET /only HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    await new Promise<void>((resolve) => {
      const check = () => (raw.includes('\r\n0\r\n\r\n') ? resolve() : setImmediate(check))
      check()
    })
    const head = raw.slice(0, raw.indexOf('\r\n\r\n')).toLowerCase()
    // RFC 9112 §9.6: the server closes after answering a `close` request (a keep-alive answer
    // left the connection open, until Node's keep-alive timeout, against what the client asked).
    expect(head).toContain('connection: close')
    expect(head).not.toContain('keep-alive')
    await ended
    socket.destroy()
    expect(decodeChunkedResponses(raw)).toEqual([`retry: 1000\n\n${formatFrame('snapshot', 1, { open: true })}`])
  })

  it('a response whose write a middleware replaced (e.g. compression in front of the app) gets every frame through it', async () => {
    const seen: string[] = []
    const port = await serve((request, response) => {
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
    const response = await new Promise<IncomingMessage>(resolve => get({ host: '127.0.0.1', port, path: '/' }, resolve))
    const frames: Array<{ id?: string, event?: string, data: string }> = []
    readFrames(response, frame => frames.push(frame))
    await new Promise(resolve => response.on('end', resolve))
    expect(frames.map(frame => frame.id)).toEqual(['1', '2'])
    expect(seen.join('')).toContain('event: snapshot')
    expect(seen.join('')).toContain('event: text-delta')
  })
})
