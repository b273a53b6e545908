/**
 * The `data` of each event in an SSE byte stream, read straight from the bytes: lines are found
 * by byte (a line break never occurs inside a UTF-8 sequence) and only `data:` values are decoded,
 * so a body piece costs one scan and one string per data line. What the model stream needs of the
 * SSE parsing rules (https://html.spec.whatwg.org/multipage/server-sent-events.html): lines end
 * with `\n`, `\r\n` or `\r` (also when a piece ends between `\r` and `\n`); `data:` with or without
 * one space, or a bare `data` line; several data lines joined with `\n`; a blank line ends the
 * event; comments and other fields are ignored; one leading BOM is dropped.
 */

const LF = 0x0A
const CR = 0x0D
const SPACE = 0x20
const COLON = 0x3A

/** Longest line kept while waiting for its end (a chunk is a few KB; this only stops an endless line eating memory). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024

/** Thrown by `feed` when a line grows past `MAX_LINE_BYTES` without ending. */
export class SseLineTooLongError extends Error {
  constructor(readonly maxBytes: number) {
    super(`a line longer than ${maxBytes} bytes without ending it`)
    this.name = 'SseLineTooLongError'
  }
}

/** A reader fed with body pieces; `onData` gets each event's data as soon as its blank line came. */
export interface SseDataReader {
  feed(bytes: Uint8Array): void
  /** The body ended: a last unterminated line counts, and so does an event without its blank line. */
  end(): void
}

function isDataField(bytes: Buffer, start: number, end: number): boolean {
  return end - start >= 4 && bytes[start] === 0x64 && bytes[start + 1] === 0x61 && bytes[start + 2] === 0x74 && bytes[start + 3] === 0x61
    && (end - start === 4 || bytes[start + 4] === COLON)
}

/** Creates a reader for one body. */
export function createSseDataReader(onData: (data: string) => void, maxLineBytes = MAX_LINE_BYTES): SseDataReader {
  /** Pieces of a line that has not ended yet (kept apart, joined once its end comes). */
  let partial: Buffer[] = []
  let partialBytes = 0
  /** The data lines of the event so far (null: none yet, so a blank line dispatches nothing). */
  let data: string | null = null
  /** The last piece ended with `\r`: a `\n` first in the next one belongs to that line end. */
  let skipLineFeed = false
  let firstLine = true

  function line(bytes: Buffer, start: number, end: number): void {
    if (firstLine) {
      firstLine = false
      if (end - start >= 3 && bytes[start] === 0xEF && bytes[start + 1] === 0xBB && bytes[start + 2] === 0xBF) start += 3
    }
    if (start === end) {
      if (data === null) return
      const event = data
      data = null
      onData(event)
      return
    }
    if (!isDataField(bytes, start, end)) return
    let valueStart = start + 5
    if (valueStart < end && bytes[valueStart] === SPACE) valueStart++
    const value = valueStart >= end ? '' : bytes.toString('utf8', valueStart, end)
    data = data === null ? value : `${data}\n${value}`
  }

  /** Splits `bytes` into lines; returns where the unfinished last line starts (`bytes.length`: none). */
  function lines(bytes: Buffer): number {
    const length = bytes.length
    let position = 0
    let lineFeed = bytes.indexOf(LF)
    let carriageReturn = bytes.indexOf(CR)
    for (;;) {
      let lineEnd: number
      let next: number
      if (carriageReturn === -1 || (lineFeed !== -1 && lineFeed < carriageReturn)) {
        if (lineFeed === -1) return position
        lineEnd = lineFeed
        next = lineFeed + 1
      }
      else {
        lineEnd = carriageReturn
        if (carriageReturn + 1 < length) next = bytes[carriageReturn + 1] === LF ? carriageReturn + 2 : carriageReturn + 1
        else {
          next = length
          skipLineFeed = true
        }
      }
      line(bytes, position, lineEnd)
      position = next
      if (lineFeed !== -1 && lineFeed < position) lineFeed = bytes.indexOf(LF, position)
      if (carriageReturn !== -1 && carriageReturn < position) carriageReturn = bytes.indexOf(CR, position)
    }
  }

  return {
    feed(input) {
      let bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength)
      if (bytes.length === 0) return
      if (skipLineFeed) {
        skipLineFeed = false
        if (bytes[0] === LF) bytes = bytes.subarray(1)
      }
      if (partialBytes > 0) {
        // No line end in this piece either: keep it apart (joining every piece would be quadratic).
        if (bytes.indexOf(LF) === -1 && bytes.indexOf(CR) === -1) {
          partial.push(bytes)
          partialBytes += bytes.length
          if (partialBytes > maxLineBytes) throw new SseLineTooLongError(maxLineBytes)
          return
        }
        partial.push(bytes)
        bytes = Buffer.concat(partial, partialBytes + bytes.length)
        partial = []
        partialBytes = 0
      }
      const rest = lines(bytes)
      if (rest < bytes.length) {
        // Copied: the caller may reuse its buffer (a line split across pieces is rare anyway).
        partialBytes = bytes.length - rest
        if (partialBytes > maxLineBytes) throw new SseLineTooLongError(maxLineBytes)
        partial.push(Buffer.from(bytes.subarray(rest)))
      }
    },
    end() {
      if (partialBytes > 0) {
        const bytes = Buffer.concat(partial, partialBytes)
        partial = []
        partialBytes = 0
        line(bytes, 0, bytes.length)
      }
      if (data !== null) {
        const event = data
        data = null
        onData(event)
      }
    },
  }
}
