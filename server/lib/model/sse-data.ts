/**
 * The `data` of each event in an SSE byte stream. The bytes are decoded as they come (a
 * `StringDecoder` keeps a character cut between two pieces whole) and lines are found in the text
 * — the same work a bare relay does, string search included, so a body piece costs one decode and
 * one string per data line. What the model stream needs of the SSE parsing rules
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html): lines end with `\n`, `\r\n` or
 * `\r` (also when a piece ends between `\r` and `\n`); `data:` with or without one space, or a
 * bare `data` line; several data lines joined with `\n`; a blank line ends the event; comments and
 * other fields are ignored; one leading BOM is dropped. One field outside the spec is read: an
 * `error` line (llama.cpp's server sends a streaming error as `error: {…}`) goes to `onErrorField`.
 */
import { StringDecoder } from 'node:string_decoder'

const LF = 10
const CR = 13
const SPACE = 32
const COLON = 58
const BOM = 0xFEFF

/**
 * Longest line read — kept while waiting for its end, or come whole in one piece — and longest
 * data an event's lines join to before its blank line (a chunk is a few KB; this only stops an
 * endless line, or endless data lines of one event, eating memory, and a huge one reaching
 * `JSON.parse`). Counted in UTF-16 units of the decoded text, each at least one byte.
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024

/** What `SseLineTooLongError` says passed the limit. */
const TOO_LONG = {
  line: (maxBytes: number) => `a line longer than ${maxBytes} bytes without ending it`,
  whole: (maxBytes: number) => `a line longer than ${maxBytes} bytes`,
  event: (maxBytes: number) => `an event whose data lines pass ${maxBytes} bytes together without a blank line ending it`,
}

/**
 * Thrown by `feed` when a line grows past `MAX_LINE_BYTES` without ending (`line`), a line that
 * ended is longer (`whole`: it came with its end), or an event's data lines together pass it.
 */
export class SseLineTooLongError extends Error {
  constructor(readonly maxBytes: number, what: keyof typeof TOO_LONG = 'line') {
    super(TOO_LONG[what](maxBytes))
    this.name = 'SseLineTooLongError'
  }
}

/** A reader fed with body pieces; `onData` gets each event's data as soon as its blank line came. */
export interface SseDataReader {
  feed(bytes: Uint8Array): void
  /** The body ended: a last unterminated line counts, and so does an event without its blank line. */
  end(): void
}

/** Whether `text[start, end)` is a `data` field (`data`, or `data:` and a value). */
function isDataField(text: string, start: number, end: number): boolean {
  return end - start >= 4 && text.startsWith('data', start) && (end - start === 4 || text.charCodeAt(start + 4) === COLON)
}

/** Whether `text[start, end)` is an `error:` field with a value. */
function isErrorField(text: string, start: number, end: number): boolean {
  return end - start > 6 && text.startsWith('error', start) && text.charCodeAt(start + 5) === COLON
}

/** The value of a field whose name is `nameLength` long: after its colon and one optional space. */
function fieldValue(text: string, start: number, end: number, nameLength: number): string {
  let valueStart = start + nameLength + 1
  if (valueStart < end && text.charCodeAt(valueStart) === SPACE) valueStart++
  return valueStart >= end ? '' : text.slice(valueStart, end)
}

/**
 * Creates a reader for one body; `onErrorField` gets the value of each `error:` line as it comes
 * (without it, such lines are ignored like any other field).
 */
export function createSseDataReader(onData: (data: string) => void, maxLineBytes = MAX_LINE_BYTES, onErrorField?: (value: string) => void): SseDataReader {
  const decoder = new StringDecoder('utf8')
  /** The decoded start of a line that has not ended yet. */
  let partial = ''
  /** The data lines of the event so far (null: none yet, so a blank line dispatches nothing). */
  let data: string | null = null
  /** The last piece ended with `\r`: a `\n` first in the next one belongs to that line end. */
  let skipLineFeed = false
  /** Text came already (a BOM counts only before it). */
  let started = false

  /** One line of the body; `last`: the body's end, when the event can grow no further (no limit to keep). */
  function line(text: string, start: number, end: number, last = false): void {
    if (start === end) {
      if (data === null) return
      const event = data
      data = null
      onData(event)
      return
    }
    if (!isDataField(text, start, end)) {
      if (onErrorField && isErrorField(text, start, end)) onErrorField(fieldValue(text, start, end, 5))
      return
    }
    const value = fieldValue(text, start, end, 4)
    // Each line is bounded as it comes; lines of one event are joined, so their sum is bounded too.
    if (data !== null && !last && data.length + 1 + value.length > maxLineBytes) throw new SseLineTooLongError(maxLineBytes, 'event')
    data = data === null ? value : `${data}\n${value}`
  }

  /** Reads the lines of `text`; what follows the last line end is kept as the partial line. */
  function lines(text: string): void {
    const length = text.length
    // Only a text longer than the limit can hold a line longer than it: one compare per piece,
    // and the lines of a normal piece are not measured.
    const measured = length > maxLineBytes
    let position = 0
    let lineFeed = text.indexOf('\n')
    let carriageReturn = text.indexOf('\r')
    for (;;) {
      let lineEnd: number
      let next: number
      if (carriageReturn === -1 || (lineFeed !== -1 && lineFeed < carriageReturn)) {
        if (lineFeed === -1) break
        lineEnd = lineFeed
        next = lineFeed + 1
      }
      else {
        lineEnd = carriageReturn
        if (carriageReturn + 1 < length) next = text.charCodeAt(carriageReturn + 1) === LF ? carriageReturn + 2 : carriageReturn + 1
        else {
          next = length
          skipLineFeed = true
        }
      }
      if (measured && lineEnd - position > maxLineBytes) throw new SseLineTooLongError(maxLineBytes, 'whole')
      line(text, position, lineEnd)
      position = next
      if (lineFeed !== -1 && lineFeed < position) lineFeed = text.indexOf('\n', position)
      if (carriageReturn !== -1 && carriageReturn < position) carriageReturn = text.indexOf('\r', position)
    }
    if (position < length) keep(position === 0 ? text : text.slice(position))
  }

  function keep(text: string): void {
    if (text.length > maxLineBytes) throw new SseLineTooLongError(maxLineBytes)
    partial = text
  }

  return {
    feed(bytes) {
      let text = decoder.write(bytes as Buffer)
      if (text.length === 0) return
      if (!started) {
        started = true
        if (text.charCodeAt(0) === BOM) text = text.slice(1)
      }
      if (skipLineFeed && text.length > 0) {
        skipLineFeed = false
        if (text.charCodeAt(0) === LF) text = text.slice(1)
      }
      if (partial.length > 0) {
        // No line end in this piece either: keep adding (a rope: joining is not a copy per piece).
        if (text.indexOf('\n') === -1 && text.indexOf('\r') === -1) {
          keep(partial + text)
          return
        }
        text = partial + text
        partial = ''
      }
      lines(text)
    },
    end() {
      // A character the body cut off at its very end comes out as U+FFFD, as any decoder does.
      const rest = partial + decoder.end()
      partial = ''
      // Its length is bounded as the line was kept (no error out of the end: the event is read whole).
      if (rest.length > 0) line(rest, 0, rest.length, true)
      if (data !== null) {
        const event = data
        data = null
        onData(event)
      }
    },
  }
}
