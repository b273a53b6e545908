/**
 * What `ctx.progress` takes and records (server/lib/tools/tool-progress.ts): a text or
 * `{ message, fraction? }`; the text at most 256 UTF-8 bytes (cut at a character boundary, with
 * `…`), lone surrogates as `�`, a fraction clamped to 0..1. Input that is not an update is a
 * TypeError naming the problem where the tool calls; from a worker it is dropped instead.
 */
import { describe, expect, it } from 'vitest'
import { utf8ByteLength } from '../../server/lib/bytes'
import { MAX_TOOL_PROGRESS_BYTES, receivedProgressUpdate, toolProgressUpdate } from '../../server/lib/tools/tool-progress'
import { isWellFormedText } from '../../shared/lone-surrogate'

describe('tool progress bounds', () => {
  it('takes a text or a message with a fraction', () => {
    expect(toolProgressUpdate('Fetched 3 of 10 pages')).toEqual({ message: 'Fetched 3 of 10 pages' })
    expect(toolProgressUpdate({ message: 'Fetched 3 of 10 pages', fraction: 0.3 })).toEqual({ message: 'Fetched 3 of 10 pages', fraction: 0.3 })
    expect(toolProgressUpdate({ message: '', fraction: null as unknown as number })).toEqual({ message: '' })
  })

  it('clamps the fraction to 0..1', () => {
    expect(toolProgressUpdate({ message: 'm', fraction: 1.0000001 }).fraction).toBe(1)
    expect(toolProgressUpdate({ message: 'm', fraction: -0.5 }).fraction).toBe(0)
  })

  it('cuts a long message to 256 UTF-8 bytes at a character boundary, with …', () => {
    for (const unit of ['a', 'é', '€', '😀', '👍🏽']) {
      const message = toolProgressUpdate(unit.repeat(400)).message
      expect(utf8ByteLength(message)).toBeLessThanOrEqual(MAX_TOOL_PROGRESS_BYTES)
      expect(message.endsWith('…')).toBe(true)
      expect(message.slice(0, -1).replaceAll(unit, '')).toBe('')
    }
    const exact = 'a'.repeat(MAX_TOOL_PROGRESS_BYTES)
    expect(toolProgressUpdate(exact).message).toBe(exact)
  })

  it('makes half of a surrogate pair on its own �', () => {
    const message = toolProgressUpdate(`page ${'😀'.slice(0, 1)} done`).message
    expect(isWellFormedText(message)).toBe(true)
    expect(message).toBe('page \uFFFD done')
  })

  it('refuses what is not an update with a TypeError naming the problem', () => {
    expect(() => toolProgressUpdate(42)).toThrow(new TypeError('ctx.progress takes a text or { message, fraction? }, not number'))
    expect(() => toolProgressUpdate(null)).toThrow(/not null/)
    expect(() => toolProgressUpdate({ fraction: 0.5 })).toThrow(/message must be a string, not undefined/)
    expect(() => toolProgressUpdate({ message: 'm', fraction: Number.NaN })).toThrow(/fraction must be a finite number from 0 to 1, not NaN/)
    expect(() => toolProgressUpdate({ message: 'm', fraction: '0.5' })).toThrow(/not string/)
    expect(receivedProgressUpdate({ message: 7 })).toBeNull()
  })
})
