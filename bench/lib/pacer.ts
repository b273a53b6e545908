/**
 * Emits stamped text chunks for many streams at a set pace from one 1 ms ticker (each stream
 * with its own phase, so streams do not tick in lockstep). Each chunk carries the absolute time
 * it was written, `[t=<ms>]`, so a viewer anywhere on this machine can compute the delivery
 * latency from the text alone: `performance.timeOrigin + performance.now()` on both ends. The
 * stamps of one stream strictly increase, so they also tell a lost or repeated piece.
 */

/** The wall-clock-based high-resolution time shared by processes on one machine. */
export const absoluteNowMs = () => performance.timeOrigin + performance.now()

/** Finds every stamp in a piece of text (a merged delta holds several). */
export const STAMP_PATTERN = /\[t=(\d+\.\d+)\]/g

/** One chunk of text: a stamp plus a space, ~22 characters (a few tokens of a real answer). */
export function stampedChunk(atMs = absoluteNowMs()): string {
  return `[t=${atMs.toFixed(2)}] `
}

/** The smallest step between two stamps of one stream (their precision). */
const STAMP_STEP_MS = 0.01

/** A stream to pace. */
export interface PacedStream {
  chunksPerSecond: number
  /** Chunks to emit in all. */
  count: number
  /** Writes one chunk (returns false to stop this stream early, e.g. the socket closed). */
  write: (chunk: string) => boolean
  done: () => void
}

interface Scheduled extends PacedStream {
  sent: number
  /** The last stamp written: stamps of one stream strictly increase, so a viewer can tell a lost or repeated piece. */
  lastStampMs: number
  nextAtMs: number
  intervalMs: number
}

/** A pacer: add streams, they run from the moment they are added. */
export function createPacer() {
  const streams = new Set<Scheduled>()
  let ticker: ReturnType<typeof setInterval> | null = null

  function tick() {
    const nowMs = performance.now()
    for (const stream of streams) {
      // Bounded: at most `count` chunks ever, and only those already due.
      while (stream.sent < stream.count && stream.nextAtMs <= nowMs) {
        stream.sent++
        stream.nextAtMs += stream.intervalMs
        stream.lastStampMs = Math.max(absoluteNowMs(), stream.lastStampMs + STAMP_STEP_MS)
        if (!stream.write(stampedChunk(stream.lastStampMs))) {
          stream.sent = stream.count
          break
        }
      }
      if (stream.sent >= stream.count) {
        streams.delete(stream)
        stream.done()
      }
    }
    if (streams.size === 0 && ticker) {
      clearInterval(ticker)
      ticker = null
    }
  }

  return {
    add(stream: PacedStream) {
      const intervalMs = 1000 / stream.chunksPerSecond
      streams.add({ ...stream, sent: 0, lastStampMs: 0, intervalMs, nextAtMs: performance.now() + Math.random() * intervalMs })
      ticker ??= setInterval(tick, 1)
    },
    get size() {
      return streams.size
    },
    stop() {
      if (ticker) clearInterval(ticker)
      ticker = null
      streams.clear()
    },
  }
}
