/**
 * An event stream over a Node response: headers on the first write, gzip'd when the client accepts
 * it (flushed at every write, so latency is unchanged), and a bounded queue. A client that stops
 * draining never grows memory past `maxQueueBytes`: writes are refused until it drains, then
 * `onDrain` tells the owner to resync it. Both stream formats (the job SSE frames and the AI SDK's
 * UI message stream) write through this.
 *
 * Uncompressed HTTP/1.1 streams skip the response's chunk framing: every write goes to the socket
 * as one ready-made chunk (`WireBytes`, made once per frame for all viewers) — one buffer and one
 * system call, instead of four buffers per write gathered on the next tick. The response still
 * owns the headers and the end (its `0\r\n\r\n`).
 */
import type { IncomingMessage } from 'node:http'
import { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { constants as zlibConstants, createGzip } from 'node:zlib'
import type { Gzip } from 'node:zlib'
import { streamHeaders } from './stream-headers'

export { SSE_RESPONSE_HEADERS } from './stream-headers'

/** Text ready for the wire: its UTF-8 bytes, and the same bytes framed as one HTTP/1.1 chunk. */
export interface WireBytes {
  /** The text's bytes (for gzip, or a response that frames its own chunks); a view into `chunk`. */
  readonly body: Buffer
  /** `<size in hex>\r\n<body>\r\n`: written to the socket as it is. */
  readonly chunk: Buffer
  /** The text's size in UTF-8 bytes (`body.length`). */
  readonly size: number
}

/**
 * Both forms over one buffer. `body` is made when first read: most frames only ever go to sockets
 * as `chunk`, and a view is an object per frame.
 */
class FramedText implements WireBytes {
  private view: Buffer | null = null
  constructor(readonly chunk: Buffer, private readonly start: number, readonly size: number) {}

  get body(): Buffer {
    return this.view ??= this.chunk.subarray(this.start, this.start + this.size)
  }
}

/** Encodes text once in both forms (one allocation; `body` is a view, not a copy). */
export function toWireBytes(text: string): WireBytes {
  const length = Buffer.byteLength(text)
  const head = `${length.toString(16)}\r\n`
  const chunk = Buffer.allocUnsafe(head.length + length + 2)
  chunk.write(head, 0, 'latin1')
  chunk.write(text, head.length, 'utf8')
  chunk[chunk.length - 2] = 13
  chunk[chunk.length - 1] = 10
  return new FramedText(chunk, head.length, length)
}

/** The sockets corked in this turn, in the order they were first written to; uncorked together. */
const corked: Socket[] = []

function uncorkAll(): void {
  let index = 0
  try {
    // A socket corked by a write made while uncorking (a `write` callback) is uncorked too.
    for (; index < corked.length; index++) corked[index]!.uncork()
    corked.length = 0
  }
  finally {
    // One that threw is let go; the ones after it are uncorked on a tick of their own, as before.
    if (corked.length > 0) {
      corked.splice(0, index + 1)
      if (corked.length > 0) process.nextTick(uncorkAll)
    }
  }
}

/**
 * Writes a ready-made chunk; the socket is corked until the end of the turn (as the response
 * does), so a turn's writes reach the kernel back to back — measured: a write system call between
 * other work costs the kernel about a third more than one in a burst. One `nextTick` uncorks every
 * socket corked in the turn, in order (a tick per socket was a tick object per viewer per frame).
 */
function writeChunk(socket: Socket, chunk: Buffer): void {
  if (!socket.writableCorked) {
    socket.cork()
    if (corked.length === 0) process.nextTick(uncorkAll)
    corked.push(socket)
  }
  socket.write(chunk)
}

/**
 * The socket to write ready-made chunks to, when that is safe: a chunked HTTP/1.1 response whose
 * headers are already in the socket and that holds nothing back itself (it does while an earlier
 * response on the same connection is still being sent), and whose `write` nobody replaced (a
 * compression middleware in front of the app would encode what it writes: bytes put on the socket
 * beside it would corrupt the body). Otherwise null: write through the response.
 */
function chunkSocket(response: ServerResponse): Socket | null {
  const socket = response.socket
  if (!socket || socket.destroyed || (response as { chunkedEncoding?: boolean }).chunkedEncoding !== true) return null
  if (response.write !== ServerResponse.prototype.write || response.end !== ServerResponse.prototype.end || response.hasHeader('content-encoding')) return null
  return response.writableLength === socket.writableLength ? socket : null
}

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
  /** Sends the headers (and the preamble) now, when nothing was written yet: the client knows at once that the stream is open. */
  open(): void
  /**
   * Writes text (or prepared bytes) unless the client is not draining; false when refused (nothing
   * was written). `whole`: written even then (a catch-up, bounded by the job's size).
   */
  write(text: string | WireBytes, whole?: boolean): boolean
  /** Ends the response (sending the headers first if nothing was written). */
  end(): void
  /**
   * Writes a heartbeat comment; a client still stalled since the previous heartbeat (it drained
   * nothing for a whole interval) is cut instead (`destroy`).
   */
  heartbeat(text: string): void
  /** Cuts the connection: the client sees a network error, not a complete stream. */
  destroy(): void
  /** Called once the client drained after writes were refused. */
  onDrain?: () => void
  /** Called when a heartbeat cuts a client that took nothing since the previous one (before the cut). */
  onStallCut?: () => void
  /** Bytes handed to the socket (after compression). */
  bytesWritten(): number
  /** Bytes queued in the process for this client, not yet taken by the socket (the response's and the compressor's queues). */
  queuedBytes(): number
}

/** Creates the writer for one request. */
export function createSseWriter(request: IncomingMessage, response: ServerResponse, options: SseWriterOptions): SseWriter {
  let gzip: Gzip | null = null
  /** Set while writes go straight to the socket as ready-made chunks. */
  let socket: Socket | null = null
  let started = false
  let ended = false
  let stalled = false
  /** The queues at the last heartbeat that found the client stalled (null: none did). */
  let atBeat: { queued: number, taken: number } | null = null
  /** The size of a queued frame larger than the bound by itself (0: none). */
  let oversized = 0
  let resolveClosed!: () => void
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve
  })
  response.once('close', () => {
    ended = true
    // The client left (or the end is through): free the compressor's native state and whatever
    // it still holds for this response now, not at some later garbage collection.
    gzip?.destroy()
    resolveClosed()
  })
  // The client may have left while the route awaited the store (a Redis round trip): its `close`
  // is gone already and would never come, holding the stream slot and the route for ever.
  if (response.destroyed || request.socket.destroyed) {
    ended = true
    resolveClosed()
  }

  function start() {
    if (started) return
    started = true
    const { headers, gzip: gzipped } = streamHeaders(request, response, options)
    if (gzipped) {
      gzip = createGzip({ flush: zlibConstants.Z_SYNC_FLUSH })
      gzip.pipe(response)
    }
    response.writeHead(200, headers)
    response.flushHeaders()
    socket = gzip ? null : chunkSocket(response)
    if (options.preamble) raw(options.preamble)
  }

  function queuedBytes(): number {
    return response.writableLength + (gzip ? gzip.writableLength + gzip.readableLength : 0)
  }

  /**
   * Bytes the kernel has taken from the socket so far: what the socket handed to its handle minus
   * what the handle still holds (-1 where unknown). It grows whenever the client reads, wherever
   * the rest waits: inside one big chunk (a resync snapshot), which the streams count whole until
   * it is all written, or inside gzip, whose input counts a snapshot whole until it is all
   * compressed while its output and the socket's queue sit at their high-water marks.
   */
  function takenBytes(): number {
    const socket = request.socket as { _bytesDispatched?: unknown, _handle?: { writeQueueSize?: unknown } } | null
    const dispatched = socket?._bytesDispatched
    const unsent = socket?._handle?.writeQueueSize
    return typeof dispatched === 'number' && typeof unsent === 'number' ? dispatched - unsent : -1
  }

  function raw(data: string | WireBytes) {
    if (ended) return
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.size
    // A frame larger than the bound by itself (a resync snapshot): the bound applies to what is
    // queued besides it, until the queue is back under the bound. Counted in the bound, the
    // snapshot would stall the client by itself, drop the next frame and bring on another
    // whole-state snapshot at the next drain, for as long as the job streams.
    if (size > options.maxQueueBytes) oversized = size
    else if (oversized > 0 && queuedBytes() <= options.maxQueueBytes) oversized = 0
    let out: Socket | Gzip | ServerResponse
    if (socket) {
      // Never into a socket this response no longer owns (ended: a keep-alive connection may carry
      // the next response) or that cannot take it. An empty chunk would end the response
      // (`0\r\n\r\n`); there is nothing to send anyway.
      if (response.writableEnded || !socket.writable || size === 0) return
      out = socket
      writeChunk(socket, typeof data === 'string' ? toWireBytes(data).chunk : data.chunk)
    }
    else {
      out = gzip ?? response
      // Bytes, not text: a response (and its socket) counts a string's UTF-16 code units in its
      // queue, which would let a client hold up to three times the bound in CJK text.
      out.write(typeof data === 'string' ? Buffer.from(data) : data.body)
    }
    // Stalled only once the stream itself is full too (its `drain` is then certain to come): a
    // bound below the stream's own buffer (16 KiB) would otherwise refuse writes to a client that
    // reads, with no `drain` ever to lift it.
    // `writableNeedDrain` first: false for almost every write, and cheaper than adding up the queues.
    if (!stalled && out.writableNeedDrain && queuedBytes() > options.maxQueueBytes + oversized) {
      stalled = true
      out.once('drain', () => {
        stalled = false
        oversized = 0
        atBeat = null
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
    open() {
      if (!ended) start()
    },
    write(text, whole = false) {
      // Nothing to start for a client already gone (it left while the route awaited the store):
      // a compressor made now would never see the response's close.
      if (ended) return false
      start()
      if (stalled && !whole) return false
      // The queue grew while stalled: the next heartbeat must not take that for a client that read nothing.
      if (stalled) atBeat = null
      raw(text)
      return true
    },
    heartbeat(text) {
      if (ended) return
      // Stalled at the previous heartbeat and not one byte taken since (nothing is queued while
      // stalled, so the queue only shrinks as the client reads): a client that vanished without a
      // FIN (a lost network) looks like this; cut it so its queue, viewer and stream slot are let
      // go. One that is alive reconnects with its last id. A slow client still reading a big
      // resync snapshot makes progress and is left alone.
      if (stalled) {
        // Nothing is queued while stalled, so the streams' queue falls and the kernel takes bytes
        // only as the client reads.
        const now = { queued: queuedBytes(), taken: takenBytes() }
        if (atBeat && now.queued >= atBeat.queued && now.taken === atBeat.taken) {
          writer.onStallCut?.()
          writer.destroy()
          return
        }
        atBeat = now
      }
      writer.write(text)
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
    queuedBytes,
  }
  return writer
}
