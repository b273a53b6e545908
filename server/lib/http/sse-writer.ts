/**
 * An event stream over a Node response: headers on the first write, gzip'd when the client accepts
 * it (flushed at every write, so latency is unchanged), and a bounded queue. A client that stops
 * draining never grows memory past `maxQueueBytes`: writes are refused until it drains, then
 * `onDrain` tells the owner to resync it. Both stream formats (the job SSE frames and the AI SDK's
 * UI message stream) write through this.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { constants as zlibConstants, createGzip } from 'node:zlib'
import type { Gzip } from 'node:zlib'

/** Options of a writer. */
export interface SseWriterOptions {
  compression: boolean
  maxQueueBytes: number
  /** Extra response headers (the UI message stream's protocol header). */
  headers?: Record<string, string>
  /** Written right after the headers (e.g. EventSource's `retry:` line). */
  preamble?: string
}

/** A writer for one response. */
export interface SseWriter {
  /** Settles when the connection is gone (client left, or `end()` finished). */
  readonly closed: Promise<void>
  /** True once anything was written (headers sent). */
  readonly started: boolean
  /** True once the stream ended, by either side. */
  readonly ended: boolean
  /** True while writes are refused because the client is not draining. */
  readonly stalled: boolean
  /** Writes text (or bytes) unless the client is not draining; false when refused (nothing was written). */
  write(text: string | Buffer): boolean
  /** Ends the response (sending the headers first if nothing was written). */
  end(): void
  /** Cuts the connection: the client sees a network error, not a complete stream. */
  destroy(): void
  /** Called once the client drained after writes were refused. */
  onDrain?: () => void
  /** Bytes handed to the socket (after compression). */
  bytesWritten(): number
}

/** Creates the writer for one request. */
export function createSseWriter(request: IncomingMessage, response: ServerResponse, options: SseWriterOptions): SseWriter {
  const acceptsGzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))
  let gzip: Gzip | null = null
  let started = false
  let ended = false
  let stalled = false
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
      ...options.headers,
    }
    if (options.compression && acceptsGzip) {
      headers['content-encoding'] = 'gzip'
      headers.vary = 'accept-encoding'
      gzip = createGzip({ flush: zlibConstants.Z_SYNC_FLUSH })
      gzip.pipe(response)
    }
    response.writeHead(200, headers)
    response.flushHeaders()
    if (options.preamble) raw(options.preamble)
  }

  function queuedBytes(): number {
    return response.writableLength + (gzip ? gzip.writableLength + gzip.readableLength : 0)
  }

  function raw(text: string | Buffer) {
    if (ended) return
    const out = gzip ?? response
    out.write(text)
    if (!stalled && queuedBytes() > options.maxQueueBytes) {
      stalled = true
      out.once('drain', () => {
        stalled = false
        if (!ended) writer.onDrain?.()
      })
    }
  }

  const writer: SseWriter = {
    closed,
    get started() {
      return started
    },
    get ended() {
      return ended
    },
    get stalled() {
      return stalled
    },
    write(text) {
      start()
      if (stalled || ended) return false
      raw(text)
      return true
    },
    end() {
      if (ended) return
      start()
      ended = true
      ;(gzip ?? response).end()
      if (!gzip) resolveClosed()
    },
    destroy() {
      if (ended) return
      ended = true
      gzip?.destroy()
      response.destroy()
    },
    bytesWritten: () => response.socket?.bytesWritten ?? 0,
  }
  return writer
}
