/**
 * The HTTP side of a viewer: SSE frames written to a Node response, gzip'd when the client
 * accepts it (flushed at every frame, so latency is unchanged). Headers are written on the first
 * frame, so a 404 can still be answered as JSON. A client that stops draining never grows memory
 * past `maxQueueBytes`: frames are dropped and, once it drains, the engine resyncs it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { constants as zlibConstants, createGzip } from 'node:zlib'
import type { Gzip } from 'node:zlib'
import type { ViewerFrame, ViewerSink } from '../viewer'

/** Options of an SSE sink. */
export interface SseSinkOptions {
  compression: boolean
  maxQueueBytes: number
}

/** A viewer sink over HTTP, plus a promise that settles when the connection is gone. */
export interface SseSink extends ViewerSink {
  readonly closed: Promise<void>
  /** Writes a frame of any event name (the notifications stream). */
  write(event: string, id: number | undefined, data: unknown): void
  /** True once anything was written (headers sent). */
  readonly started: boolean
  /** Frames dropped while the client was not draining. */
  readonly dropped: number
  /** Bytes handed to the socket (after compression) — for metrics and benchmarks. */
  readonly bytesWritten: () => number
}

/**
 * Serialised frames by data object: every viewer of a job receives the same event object, so
 * it is turned into JSON once, not once per viewer.
 */
const frameCache = new WeakMap<object, string>()

/** Formats one SSE frame. Data is JSON on one line, so it can never break the framing. */
export function formatFrame(event: string, id: number | undefined, data: unknown): string {
  const cacheable = typeof data === 'object' && data !== null
  const cached = cacheable ? frameCache.get(data) : undefined
  if (cached !== undefined) return cached
  const frame = `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
  if (cacheable) frameCache.set(data, frame)
  return frame
}

/** Creates the sink for one request. */
export function createSseSink(request: IncomingMessage, response: ServerResponse, options: SseSinkOptions): SseSink {
  const acceptsGzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))
  let gzip: Gzip | null = null
  let started = false
  let ended = false
  let stalled = false
  let dropped = 0
  let resolveClosed!: () => void
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve
  })
  response.once('close', () => {
    ended = true
    resolveClosed()
  })

  function start() {
    if (started) return
    started = true
    const headers: Record<string, string> = {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'connection': 'keep-alive',
      'x-accel-buffering': 'no',
    }
    if (options.compression && acceptsGzip) {
      headers['content-encoding'] = 'gzip'
      headers.vary = 'accept-encoding'
      gzip = createGzip({ flush: zlibConstants.Z_SYNC_FLUSH })
      gzip.pipe(response)
    }
    response.writeHead(200, headers)
    response.flushHeaders()
    // Tell EventSource how long to wait before reconnecting.
    writeRaw('retry: 1000\n\n')
  }

  function queuedBytes(): number {
    return response.writableLength + (gzip ? gzip.writableLength + gzip.readableLength : 0)
  }

  function writeRaw(text: string) {
    if (ended) return
    const out = gzip ?? response
    out.write(text)
    if (!stalled && queuedBytes() > options.maxQueueBytes) {
      stalled = true
      out.once('drain', () => {
        stalled = false
        if (!ended) sink.onResyncNeeded?.()
      })
    }
  }

  const sink: SseSink = {
    closed,
    get started() {
      return started
    },
    get dropped() {
      return dropped
    },
    bytesWritten: () => response.socket?.bytesWritten ?? 0,
    send(frame: ViewerFrame) {
      sink.write(frame.event, frame.id, frame.data)
    },
    write(event, id, data) {
      start()
      if (stalled) {
        dropped++
        return
      }
      writeRaw(formatFrame(event, id, data))
    },
    comment(text) {
      start()
      if (!stalled) writeRaw(`: ${text}\n\n`)
    },
    close() {
      if (ended) return
      start()
      ended = true
      ;(gzip ?? response).end()
      if (!gzip) resolveClosed()
    },
  }
  return sink
}
