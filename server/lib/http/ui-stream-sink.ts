/**
 * A viewer that speaks the AI SDK's UI message stream instead of job SSE frames: every frame goes
 * through the chunk mapper and out as `data:` lines, and the response ends with `data: [DONE]`.
 * The chunks of one frame are written at once, so a client that stops draining loses whole frames
 * only; once it drains, the engine's resync snapshot brings it up to date (the mapper sends only
 * what it lacks). A stream that must end while frames are missing is cut instead of ended, so the
 * SDK sees a disconnect (resumable), never a complete-looking answer with a hole in it.
 * With message metadata (message-metadata.ts), the `start` chunk carries the start metadata, each
 * round's `finish-step` waits for its round's metadata (the chunks after it wait in order), and the
 * response's last chunks wait for the finish metadata of the state the client ends at. The chunks
 * that wait count against the same bound as the writer's queue: past it, whole frames are left out
 * and the client is resynced once the wait is over (cut, like a writer's, if it must end first).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { JobState } from '../../../shared/reducer'
import { utf8ByteLength } from '../bytes'
import type { UiChunkMapper } from '../ai-sdk/chunk-mapper'
import { withFinishMetadata, withStartMetadata } from '../ai-sdk/message-metadata'
import type { UiChunk } from '../ai-sdk/ui-chunks'
import { formatChunk, UI_MESSAGE_STREAM_DONE, UI_MESSAGE_STREAM_HEADERS } from '../ai-sdk/ui-chunks'
import type { SendOptions, ViewerFrame, ViewerSink } from '../viewer'
import type { StreamCutReason } from './sse-sink'
import { createSseWriter } from './sse-writer'

/** Options of a UI stream sink. */
export interface UiStreamSinkOptions {
  compression: boolean
  maxQueueBytes: number
  /** The message metadata of this response's `start` chunk (undefined: none). */
  startMetadata?: unknown
  /** Gives the finish metadata for the state the client ends at; without it, nothing waits. */
  finishMetadata?: (state: JobState) => Promise<unknown>
  /** Gives chunks with their rounds' metadata before each `finish-step` (`withStepMetadata`); without it, nothing waits. */
  roundMetadata?: (chunks: UiChunk[]) => Promise<UiChunk[]>
}

/** The sink, plus a promise that settles when the response is over. */
export interface UiStreamSink extends ViewerSink {
  readonly closed: Promise<void>
  /** Frames left out while the client was not draining, or while too much waited for a round's metadata. */
  readonly dropped: number
  /** UTF-8 bytes of the chunks waiting for a round's metadata (counted with the writer's queue against `maxQueueBytes`). */
  readonly waitingBytes: number
  /** Ends the stream with an `error` chunk the SDK surfaces. */
  fail(message: string): void
  /**
   * Called when the sink ends the stream for its client's backpressure (the route counts it):
   * `fell-behind`, closed while frames it dropped were still missing (cut, the client resumes), or
   * `stalled`, the client took nothing for a whole heartbeat and was cut.
   */
  onCut?: (reason: StreamCutReason) => void
}

/** Creates the sink for one response and writes the `start` chunk (the headers go out at once). */
export function createUiStreamSink(request: IncomingMessage, response: ServerResponse, mapper: UiChunkMapper, options: UiStreamSinkOptions): UiStreamSink {
  const writer = createSseWriter(request, response, { ...options, headers: UI_MESSAGE_STREAM_HEADERS })
  let missing = false
  let dropped = 0
  let checkQueued = false
  /** Set while the last chunks wait for their finish metadata. */
  let ending: Promise<void> | null = null
  /** Set while chunks wait for a round's metadata: what follows them is written after them. */
  let rounds: Promise<void> | null = null
  /** UTF-8 bytes of the chunks waiting behind `rounds` (as they would be written, before their metadata). */
  let waiting = 0
  writer.onDrain = () => sink.onResyncNeeded?.()
  writer.onStallCut = () => sink.onCut?.('stalled')

  function write(chunks: UiChunk[], whole = false) {
    if (chunks.length > 0) writer.write(chunks.map(formatChunk).join(''), whole)
  }

  /**
   * Writes a frame's chunks, with their rounds' metadata: at once when none is asked and none is
   * awaited, else in order after what waits (a hook never settles out of order; it never rejects).
   */
  function writeInOrder(chunks: UiChunk[], whole: boolean): void {
    const { roundMetadata } = options
    if (!roundMetadata || (!rounds && !chunks.some(chunk => chunk.type === 'finish-step'))) return write(chunks, whole)
    // Held in the process like the writer's queue, so counted as it is (a slow hook must not let
    // one viewer's memory grow past the bound).
    const size = utf8ByteLength(chunks.map(formatChunk).join(''))
    waiting += size
    const queued: Promise<void> = (rounds ?? Promise.resolve()).then(() => roundMetadata(chunks)).then((sent) => {
      waiting -= size
      if (rounds === queued) rounds = null
      // Whole: the mapper took these frames in (the client was not behind then); left out now,
      // a resync could not bring them back.
      if (!writer.ended) write(sent, true)
      // Frames were left out while these waited: once none wait, the engine sends what the client
      // lacks (a writer stalled by the write above asks at its drain instead).
      if (!rounds && missing && !writer.ended && !writer.stalled) sink.onResyncNeeded?.()
    })
    rounds = queued
  }

  /** True when a live frame must be left out: chunks wait for a round's metadata and, with the writer's queue, fill the bound. */
  function waitingFull(): boolean {
    return rounds !== null && waiting > 0 && waiting + writer.queuedBytes() >= options.maxQueueBytes
  }

  /**
   * Writes the response's last chunks (the mapper is done), then ends it. Written even to a client
   * that is behind (a few bytes, and nothing follows them): left out like a live frame, the
   * response would stop short of its `finish` — after a catch-up past the queue bound, an answer
   * waiting for approvals lost its `finish { finishReason: 'tool-calls' }`.
   */
  function finish(chunks: UiChunk[]) {
    const { finishMetadata, roundMetadata } = options
    if (!finishMetadata) {
      write(chunks, true)
      sink.close()
      return
    }
    const state = mapper.state
    // Never rejects: a failing hook gives no metadata (message-metadata.ts). After the chunks
    // that wait for a round's metadata, with the last round's.
    ending = (rounds ?? Promise.resolve()).then(async () => {
      const sent = roundMetadata ? await roundMetadata(chunks) : chunks
      const metadata = await finishMetadata(state)
      ending = null
      if (writer.ended) return
      write(withFinishMetadata(sent, metadata), true)
      sink.close()
    })
  }

  // Once the frames of this turn of the event loop are through (a whole catch-up is sent in one
  // go): a job that waits for tool approvals ends the response, and the SDK answers with a new request.
  function checkApproval() {
    checkQueued = false
    if (writer.ended || missing) return
    const chunks = mapper.endIfAwaitingApproval()
    if (chunks) finish(chunks)
  }

  const sink: UiStreamSink = {
    closed: writer.closed,
    get dropped() {
      return dropped
    },
    get waitingBytes() {
      return waiting
    },
    send(frame: ViewerFrame, options?: SendOptions) {
      if (writer.ended || ending) return
      // A catch-up is written whole (a long answer's first frame alone may pass the bound).
      const whole = options?.catchUp === true
      if ((writer.stalled || waitingFull()) && !whole) {
        missing = true
        dropped++
        return
      }
      // A snapshot after a stall is the engine's resync: the mapper sends what the client lacks.
      if (frame.event === 'snapshot') missing = false
      const chunks = mapper.frame(frame)
      if (mapper.done) return finish(chunks)
      writeInOrder(chunks, whole)
      if (!checkQueued) {
        checkQueued = true
        queueMicrotask(checkApproval)
      }
    },
    comment(text) {
      writer.heartbeat(`: ${text}\n\n`)
    },
    close() {
      // The last chunks still wait for their metadata: the end follows them.
      if (writer.ended || ending) return
      // Chunks waiting for a round's metadata, then a close the engine asked (a cut below): after them.
      if (rounds) {
        void rounds.then(() => sink.close())
        return
      }
      // Closed by the engine before the end (shutdown, the job moved to another instance) or with
      // frames missing: cut, so the client resumes instead of taking a partial answer as complete.
      if (missing || !mapper.done) {
        if (missing) sink.onCut?.('fell-behind')
        writer.destroy()
        return
      }
      // The end line too: a stalled writer would leave it out.
      writer.write(UI_MESSAGE_STREAM_DONE, true)
      writer.end()
    },
    fail(message) {
      if (writer.ended) return
      writer.write(formatChunk({ type: 'error', errorText: message }) + UI_MESSAGE_STREAM_DONE)
      writer.end()
    },
  }
  write(withStartMetadata(mapper.start(), options.startMetadata))
  return sink
}
