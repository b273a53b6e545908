/**
 * Property tests of the pure text and wire helpers: every event, with awkward text (surrogates,
 * CRLF, U+2028, NUL, a lone surrogate), survives the server's SSE frame and the client's decode
 * as the event the reducer needs; stream ids round-trip and garbage is refused; cutting text
 * keeps within its limit and never splits a surrogate pair. Seeded, so every run is the same.
 */
import { createParser } from 'eventsource-parser'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { formatEventId, parseEventId } from '../../shared/event-id'
import { cutIndex, cutText, cutTextWith } from '../../shared/cut-text'
import { isWellFormedText, loneSurrogateIndex } from '../../shared/lone-surrogate'
import { TITLE_MAX_CHARS, workflowTitle } from '../../shared/job-title'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { decodeStreamEvent } from '../../shared/stream-wire'
import { formatFrame } from '../../server/lib/http/sse-sink'
import { AWKWARD_TEXT, PAYLOADS, numberLog } from '../support/random-job-log'

const SEED = 1818
/** Any UTF-16 string, lone surrogates included. */
const UNITS = fc.string({ unit: fc.integer({ min: 0, max: 0xFFFF }).map(code => String.fromCharCode(code)), maxLength: 40 })
const TEXT = fc.oneof(UNITS, fc.string({ unit: 'grapheme', maxLength: 30 }), fc.array(AWKWARD_TEXT, { maxLength: 8 }).map(parts => parts.join('')))

/** What a browser's EventSource hands the client for the frames (type, lastEventId, data). */
function receive(wire: string): Array<{ type: string, id: string | undefined, data: string }> {
  const frames: Array<{ type: string, id: string | undefined, data: string }> = []
  const parser = createParser({ onEvent: event => frames.push({ type: event.event ?? 'message', id: event.id, data: event.data }) })
  parser.feed(wire)
  return frames
}

describe('shared wire and text properties', () => {
  it('every event of any log, in any epoch, survives formatFrame → SSE parser → decodeStreamEvent', () => {
    fc.assert(fc.property(PAYLOADS, fc.integer({ min: 1, max: 3 }), (payloads, epoch) => {
      const events = numberLog(payloads, 1, epoch)
      const wire = events.map(event => formatFrame(event.type, formatEventId(event.seq, event.epoch), event)).join('')
      const frames = receive(wire)
      expect(frames).toHaveLength(events.length)
      const decoded = frames.map(frame => decodeStreamEvent(frame.type, frame.id, JSON.parse(frame.data), 5))
      decoded.forEach((event, index) => {
        const sent = events[index]!
        // A compact delta leaves `at` out (the receive time stands in); everything else is the event.
        expect(event).toEqual(event?.type.endsWith('-delta') && Array.isArray(JSON.parse(frames[index]!.data)) ? { ...sent, at: 5 } : JSON.parse(JSON.stringify(sent)))
      })
      const base = createJobState({ id: 'job', type: 'chat', createdAt: 0 })
      const [received, original] = [reduceEvents(base, decoded as JobEvent[]), reduceEvents(base, events)]
      expect({ ...received, updatedAt: 0 }).toEqual({ ...original, updatedAt: 0 })
    }), { seed: SEED, numRuns: 300 })
  })

  it('a delta of any text round-trips exactly, code unit for code unit', () => {
    fc.assert(fc.property(TEXT, fc.nat({ max: 1e9 }), fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 5 }), (text, offset, seq, epoch) => {
      for (const type of ['text-delta', 'reasoning-delta'] as const) {
        const event = { type, seq, at: 1, offset, text, ...(epoch > 1 ? { epoch } : {}) } as JobEvent
        const [frame] = receive(formatFrame(type, formatEventId(seq, epoch), event))
        expect(frame).toBeDefined()
        expect(decodeStreamEvent(frame!.type, frame!.id, JSON.parse(frame!.data), 1)).toEqual(event)
      }
    }), { seed: SEED, numRuns: 500 })
  })

  it('event ids: format → parse round-trips every position; anything else is null', () => {
    fc.assert(fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 1, max: 999_999_999 }), (seq, epoch) => {
      const id = formatEventId(seq, epoch)
      if (seq < 1e15) expect(parseEventId(id)).toEqual({ epoch, seq })
      const parsed = parseEventId(id)
      if (parsed) expect(Number.isSafeInteger(parsed.seq) && Number.isSafeInteger(parsed.epoch) && parsed.epoch >= 1).toBe(true)
    }), { seed: SEED, numRuns: 1000 })
    fc.assert(fc.property(fc.string({ maxLength: 12 }), (value) => {
      const parsed = parseEventId(value)
      if (parsed === null) return
      expect(value.trim()).toMatch(/^(\d+:)?\d+$/)
      expect(parsed.epoch).toBeGreaterThanOrEqual(1)
      expect(parseEventId(formatEventId(parsed.seq, parsed.epoch))).toEqual(parsed)
    }), { seed: SEED, numRuns: 2000 })
    for (const garbage of ['', ' ', '-1', '1.5', '1e3', '0x10', '0:1', '1:', ':1', '1:2:3', 'NaN', 'Infinity', '１', '٣', '1 2', '2:-1', null, undefined, {}, [], true, -1, 1.5, Number.NaN, 1e21])
      expect(parseEventId(garbage), String(garbage)).toBeNull()
  })

  it('cutText keeps within its limit, never splits a surrogate pair, and only cuts what does not fit', () => {
    fc.assert(fc.property(TEXT, fc.integer({ min: 0, max: 45 }), fc.constantFrom('', '…', '...'), (text, limit, suffix) => {
      const index = cutIndex(text, limit)
      const cut = cutText(text, limit)
      expect(cut).toBe(text.slice(0, index))
      expect(cut.length).toBeLessThanOrEqual(limit)
      if (text.length <= limit) expect(cut).toBe(text)
      // Never a new lone surrogate: a well-formed text stays well-formed, and the cut is a prefix.
      if (isWellFormedText(text)) expect(isWellFormedText(cut)).toBe(true)
      expect(text.startsWith(cut)).toBe(true)
      const cutHigh = index > 0 && index < text.length && /[\uD800-\uDBFF]/.test(text[index - 1]!) && /[\uDC00-\uDFFF]/.test(text[index]!)
      expect(cutHigh).toBe(false)
      const withSuffix = cutTextWith(text, limit, suffix)
      expect(withSuffix).toBe(index < text.length ? cut + suffix : text)
      expect(withSuffix.length).toBeLessThanOrEqual(limit + suffix.length)
    }), { seed: SEED, numRuns: 2000 })
  })

  it('loneSurrogateIndex finds the first lone surrogate exactly as isWellFormed does', () => {
    fc.assert(fc.property(UNITS, (text) => {
      const wellFormed = (text as unknown as { isWellFormed(): boolean }).isWellFormed()
      expect(isWellFormedText(text)).toBe(wellFormed)
      const index = loneSurrogateIndex(text)
      if (index >= 0) {
        expect((text.slice(0, index) as unknown as { isWellFormed(): boolean }).isWellFormed()).toBe(true)
        expect((text.slice(0, index + 1) as unknown as { isWellFormed(): boolean }).isWellFormed()).toBe(false)
      }
    }), { seed: SEED, numRuns: 2000 })
  })

  it('a workflow title is well-formed, one line, within the limit, and names the workflow', () => {
    fc.assert(fc.property(fc.constantFrom('research-report', 'w'), fc.oneof(TEXT, fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(TEXT, fc.integer()), { maxKeys: 3 })), (workflow, input) => {
      const title = workflowTitle(workflow, input)
      expect(title.length).toBeLessThanOrEqual(TITLE_MAX_CHARS)
      expect(title.startsWith(`${workflow}: `) || title === `Workflow: ${workflow}`).toBe(true)
      expect(title).not.toMatch(/[\r\n\u2028\u2029]/)
      if (typeof input === 'string' && isWellFormedText(input)) expect(isWellFormedText(title)).toBe(true)
    }), { seed: SEED, numRuns: 1000 })
  })
})
