/**
 * The model client's SSE framing (server/lib/model/sse-data.ts) reads event data straight from
 * the bytes. It must frame exactly as a spec-following parser does (eventsource-parser is the
 * reference here): every line ending (`\n`, `\r\n`, `\r`, also split between pieces), multi-line
 * data, comments and other fields, a leading BOM, multibyte text cut anywhere, and a last event
 * without its blank line (counted at the end of the body).
 */
import { createParser } from 'eventsource-parser'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createSseDataReader, SseLineTooLongError } from '../../server/lib/model/sse-data'
import { splitBytes } from '../support/split-bytes'

const encoder = new TextEncoder()

/** What the reader gives for `parts`. */
function read(parts: Uint8Array[]): string[] {
  const data: string[] = []
  const reader = createSseDataReader(value => data.push(value))
  for (const part of parts) reader.feed(part)
  reader.end()
  return data
}

/** What the reference parser gives for the same body (a final blank line ends a last event). */
function reference(text: string): string[] {
  const data: string[] = []
  const parser = createParser({ onEvent: event => data.push(event.data) })
  parser.feed(`${text}\n\n`)
  return data
}

const LINE_END = fc.constantFrom('\n', '\r\n', '\r')
const VALUE = fc.string({ unit: 'grapheme', maxLength: 10 }).map(value => value.replace(/[\r\n]/g, ''))
const LINE = fc.oneof(
  { weight: 4, arbitrary: VALUE.map(value => `data: ${value}`) },
  { weight: 1, arbitrary: VALUE.map(value => `data:${value}`) },
  { weight: 1, arbitrary: fc.constantFrom('data', 'data:', 'data: ', 'dat', 'datum: x', 'data : x', ':comment', ': OPENROUTER PROCESSING', 'event: x', 'id: 3', 'retry: 10', '') },
  { weight: 1, arbitrary: VALUE },
)

describe('SSE data reader', () => {
  it('frames like the reference parser, whatever the line endings and where the bytes are cut', () => {
    fc.assert(fc.property(fc.array(fc.tuple(LINE, LINE_END), { maxLength: 16 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 16 }), (lines, bom, cuts) => {
      const text = `${bom ? '\uFEFF' : ''}${lines.map(([line, end]) => line + end).join('')}`
      expect(read(splitBytes(encoder.encode(text), cuts))).toEqual(reference(text))
    }), { numRuns: 600, seed: 11 })
  })

  it('reads one event per blank line, joins data lines, and counts a last event without its blank line', () => {
    const text = ': hi\n\ndata: {"a":1}\n\ndata: one\ndata:two\r\n\r\nevent: x\ndata\n\ndata: tail'
    expect(read([encoder.encode(text)])).toEqual(['{"a":1}', 'one\ntwo', '', 'tail'])
  })

  it('keeps multibyte text cut inside a character, and a CRLF cut between its two bytes', () => {
    const bytes = encoder.encode('data: héllo 😀\r\n\r\ndata: b\n\n')
    const cr = bytes.indexOf(13)
    expect(read([bytes.slice(0, 9), bytes.slice(9, cr + 1), bytes.slice(cr + 1)])).toEqual(['héllo 😀', 'b'])
  })

  it('refuses a line that grows past the limit without ending, in one piece or across many', () => {
    const inOne = createSseDataReader(() => {}, 100)
    expect(() => inOne.feed(encoder.encode(`data: ${'x'.repeat(101)}`))).toThrow(SseLineTooLongError)
    const data: string[] = []
    const acrossMany = createSseDataReader(value => data.push(value), 100)
    acrossMany.feed(encoder.encode('data: ok\n\ndata: '))
    for (let piece = 0; piece < 9; piece++) acrossMany.feed(encoder.encode('x'.repeat(10)))
    expect(() => acrossMany.feed(encoder.encode('x'.repeat(10)))).toThrow('a line longer than 100 bytes without ending it')
    expect(data).toEqual(['ok'])
    // A line under the limit that ends is read whole.
    const under = createSseDataReader(value => data.push(value), 100)
    for (let piece = 0; piece < 9; piece++) under.feed(encoder.encode(piece === 0 ? 'data: ' : 'y'.repeat(10)))
    under.feed(encoder.encode('\n\n'))
    expect(data).toEqual(['ok', 'y'.repeat(80)])
  })

  it('refuses an event whose data lines pass the limit together, each line under it', () => {
    const data: string[] = []
    const reader = createSseDataReader(value => data.push(value), 100)
    reader.feed(encoder.encode('data: ok\n\n'))
    // Two lines of 49 join to 99 (with their \n): read whole.
    reader.feed(encoder.encode(`data: ${'a'.repeat(49)}\ndata: ${'b'.repeat(49)}\n\n`))
    expect(data).toEqual(['ok', `${'a'.repeat(49)}\n${'b'.repeat(49)}`])
    reader.feed(encoder.encode(`data: ${'c'.repeat(60)}\n`))
    expect(() => reader.feed(encoder.encode(`data: ${'d'.repeat(40)}\n`))).toThrow('an event whose data lines pass 100 bytes together without a blank line ending it')
    expect(data).toHaveLength(2)
    // At the body's end the event can grow no further: its last line is read, never thrown out of `end`.
    const ending = createSseDataReader(value => data.push(value), 100)
    ending.feed(encoder.encode(`data: ${'e'.repeat(60)}\ndata: ${'f'.repeat(60)}`))
    ending.end()
    expect(data.at(-1)).toBe(`${'e'.repeat(60)}\n${'f'.repeat(60)}`)
  })

  it('refuses a line past the limit that ends in the piece it came in, after the events before it', () => {
    const data: string[] = []
    const reader = createSseDataReader(value => data.push(value), 100)
    // The whole line, its end and the next event in one piece: read as one, it was never measured.
    expect(() => reader.feed(encoder.encode(`data: ok\n\ndata: ${'x'.repeat(101)}\n\ndata: after\n\n`))).toThrow('a line longer than 100 bytes')
    expect(data).toEqual(['ok'])
    // A kept start under the limit, then the rest of the line with its end: the line is measured whole.
    const joined = createSseDataReader(value => data.push(value), 100)
    joined.feed(encoder.encode(`data: ${'y'.repeat(80)}`))
    expect(() => joined.feed(encoder.encode(`${'y'.repeat(20)}\n\n`))).toThrow(SseLineTooLongError)
    expect(data).toEqual(['ok'])
    // A line of the limit exactly, in one piece, is read whole.
    const atLimit = createSseDataReader(value => data.push(value), 100)
    atLimit.feed(encoder.encode(`data: ${'z'.repeat(94)}\n\n`))
    expect(data).toEqual(['ok', 'z'.repeat(94)])
  })
})
