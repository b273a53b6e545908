/**
 * A tool that throws a big value — a response body as an object (`throw await response.json()`) —
 * is told by at most 4,000 characters of it, and the server's thread writes no more than that. Before, the object was written to JSON whole to keep
 * 4,000 characters of it (over a second for a 50 MB field, twice per failure: its text and its kind
 * in the log).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { cutTextWith } from '../../shared/cut-text'
import { describeFailureCause, describeThrown, MAX_TOOL_ERROR_CHARS } from '../../server/lib/executor/tool-errors'

afterEach(() => {
  vi.restoreAllMocks()
})

/** What describing an object gave when it was written whole, then cut. */
const wholeThenCut = (value: unknown) => cutTextWith(JSON.stringify(value), MAX_TOOL_ERROR_CHARS, '…')

describe('describing a big thrown value', () => {
  it('an object with a 10 MB field: its JSON is written only as far as what is kept', () => {
    const body = { error: 'upstream said no', detail: 'z'.repeat(10_000_000) }
    const expected = wholeThenCut(body)
    const written: number[] = []
    const stringify = JSON.stringify.bind(JSON)
    vi.spyOn(JSON, 'stringify').mockImplementation((...args: Parameters<typeof JSON.stringify>) => {
      const json = stringify(...args)
      written.push(json?.length ?? 0)
      return json
    })
    expect(describeThrown(body)).toBe(expected)
    expect(written.length).toBeGreaterThan(0)
    expect(Math.max(...written)).toBeLessThan(2 * MAX_TOOL_ERROR_CHARS)
  })

  it.each([
    ['many small fields', Object.fromEntries(Array.from({ length: 3000 }, (_, index) => [`field${index}`, index % 2 ? `value ${index}` : index]))],
    ['nested objects and arrays', { items: Array.from({ length: 500 }, (_, index) => ({ id: index, tags: ['a', 'b'], note: 'n'.repeat(index) })) }],
    ['an emoji across the cut', { text: `${'x'.repeat(MAX_TOOL_ERROR_CHARS - 10)}${'👍🏽'.repeat(20)}` }],
    ['text JSON escapes', { text: '"\\\n\t\u0001'.repeat(3000) }],
    ['a short object', { code: 'E_DOWN', status: 503 }],
    ['functions and undefined before the text', { ...Object.fromEntries(Array.from({ length: 6000 }, (_, index) => [`f${index}`, index % 2 ? () => index : undefined])), text: 't'.repeat(5000) }],
    ['a toJSON', { toJSON: () => ({ kept: 'y'.repeat(9000) }) }],
  ])('%s: the same text as written whole, then cut', (_name, value) => {
    expect(describeThrown(value)).toBe(wholeThenCut(value))
  })

  it('a blank message is still told as no message', () => {
    expect(describeFailureCause(new TypeError(' \n\t'))).toBe('it threw a TypeError with no message')
    expect(describeFailureCause('')).toBe('it threw an empty string')
  })
})
