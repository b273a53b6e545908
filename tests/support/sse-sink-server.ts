/**
 * A loopback HTTP server for the SSE sink tests (tests/unit/sse-sink*.test.ts): one server per
 * test at most, each request answered through `createSseSink`, and a standard parser on the
 * client side. A test file calls `afterEach(closeServer)`.
 */
import { createServer, get } from 'node:http'
import type { ClientRequest, IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createParser } from 'eventsource-parser'
import type { SseSink } from '../../server/lib/http/sse-sink'
import { createSseSink } from '../../server/lib/http/sse-sink'
import { keepingIdleConnections } from './idle-connections'

let server: Server | null = null
/** The test's client requests (`open`): a paused one never reads the server's close, so its socket stays open unless destroyed. */
const clients: ClientRequest[] = []

/** Listens on a free loopback port with `listener` (the one server of the test); returns the port. */
export async function serve(listener: RequestListener): Promise<number> {
  server = keepingIdleConnections(createServer(listener))
  await new Promise<void>(resolve => server!.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

/** Cuts every connection of the test's server and of its clients, and closes it (nothing to do when there is none). */
export async function closeServer(): Promise<void> {
  for (const client of clients.splice(0)) client.destroy()
  server?.closeAllConnections()
  await new Promise<void>(resolve => (server ? server.close(() => resolve()) : resolve()))
  server = null
}

/** Serves one SSE response built by `handle`, returns the client response. */
export async function open(handle: (sink: SseSink, response: ServerResponse) => void, options: { gzip?: boolean, maxQueueBytes?: number } = {}) {
  const port = await serve((request, response) => {
    handle(createSseSink(request, response, { compression: true, maxQueueBytes: options.maxQueueBytes ?? 1_000_000 }), response)
  })
  return await new Promise<IncomingMessage>((resolve) => {
    clients.push(get({ host: '127.0.0.1', port, path: '/', headers: options.gzip ? { 'accept-encoding': 'gzip' } : {} }, resolve))
  })
}

/** Opens a sink bounded at 64 KiB that counts its resync requests, with a client that has stopped reading. */
export async function openStalledCountingResyncs(options: { gzip?: boolean } = {}) {
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
export async function listen(handle: (request: IncomingMessage, sink: SseSink) => void): Promise<number> {
  return await serve((request, response) => handle(request, createSseSink(request, response, { compression: true, maxQueueBytes: 1_000_000 })))
}

/** Feeds `stream` to a standard SSE parser; `onFrame` gets each frame. */
export function readFrames(stream: NodeJS.ReadableStream, onFrame: (frame: { id?: string, event?: string, data: string }) => void) {
  const parser = createParser({ onEvent: event => onFrame(event) })
  stream.setEncoding('utf8')
  stream.on('data', (chunk: string) => parser.feed(chunk))
}

/** Resumes a paused `response` and reads it to its end; returns its frames. */
export async function readPausedToEnd(response: IncomingMessage) {
  const frames: Array<{ id?: string, event?: string, data: string }> = []
  readFrames(response, frame => frames.push(frame))
  response.resume()
  await new Promise(resolve => response.on('end', resolve))
  return frames
}
