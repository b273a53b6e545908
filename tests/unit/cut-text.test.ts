/**
 * Every place that shortens text (titles, tool errors, approval reasons, upstream excerpts,
 * telemetry content) cuts at a character boundary: never between the halves of a surrogate pair
 * (which leaves invalid text — `\ud83d` in JSON, `�` on screen, refused by a strict store) and,
 * where it can, not inside a grapheme cluster (an emoji with its skin tone, a ZWJ family, a letter
 * with its combining marks).
 */
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { MAX_TOOL_ERROR_CHARS, ToolCallError } from '../../server/lib/executor/tool-errors'
import { parseApprovalAnswer } from '../../server/lib/executor/tool-approval'
import { titleOf } from '../../server/lib/job-summary'
import { createChatCompletionParser } from '../../server/lib/model/parse-stream'
import { httpErrorFrom } from '../../server/lib/model/upstream-response'
import { contentValue } from '../../server/lib/telemetry/content'
import { cutText, cutTextWith } from '../../shared/cut-text'
import { TITLE_MAX_CHARS, workflowTitle } from '../../shared/job-title'
import { isWellFormedText } from '../../shared/lone-surrogate'

const FAMILY = '👨‍👩‍👧‍👦'

describe('cutText', () => {
  it('keeps text that fits and cuts ASCII at the limit', () => {
    expect(cutText('hello', 5)).toBe('hello')
    expect(cutText('hello', 3)).toBe('hel')
    expect(cutText('hello', 0)).toBe('')
    expect(cutTextWith('hello', 3, '…')).toBe('hel…')
    expect(cutTextWith('hello', 9, '…')).toBe('hello')
  })

  it('never keeps half a surrogate pair, nor half a grapheme cluster', () => {
    expect(cutText('ab😀', 3)).toBe('ab')
    expect(cutText('a👍🏽', 4)).toBe('a')
    expect(cutText(`x${FAMILY}`, 6)).toBe('x')
    expect(cutText('cafe\u0301!', 4)).toBe('caf')
  })

  it('falls back to a code point boundary inside one very long cluster', () => {
    const long = `e${'\u0301'.repeat(50)}`
    expect(cutText(long, 10)).toBe(long.slice(0, 10))
    expect(cutText('😀😀😀', 3)).toBe('😀')
  })

  it('reads only the text up to just past the limit: 10 MB are not segmented whole to keep 10,000 characters', () => {
    const segment = vi.spyOn(Intl.Segmenter.prototype, 'segment')
    try {
      const cut = cutText(`${'e'.repeat(9_999)}😀${'e'.repeat(10_000_000)}`, 10_000)
      expect(cut).toBe('e'.repeat(9_999))
      expect(Math.max(...segment.mock.calls.map(([text]) => text.length))).toBeLessThan(10_100)
    }
    finally {
      segment.mockRestore()
    }
  })

  it('cuts where the whole text\'s grapheme clusters start, whatever follows the limit', () => {
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.nat(60), (head, tail, max) => {
      const text = head + tail
      fc.pre(max > 0 && max < text.length)
      const starts = [...segmenter.segment(text)].map(({ index }) => index).filter(index => index > 0 && index <= max)
      const cut = cutText(text, max)
      if (starts.length) expect(cut.length).toBe(starts.at(-1))
      else expect(isWellFormedText(cut)).toBe(true)
    }))
  })

  it('always returns well-formed text no longer than asked, a prefix of the input', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.nat(60), (text, max) => {
      const cut = cutText(text, max)
      expect(text.startsWith(cut)).toBe(true)
      expect(cut.length).toBeLessThanOrEqual(max)
      expect(isWellFormedText(cut)).toBe(true)
      if (text.length <= max) expect(cut).toBe(text)
    }))
  })
})

describe('text cut by the layer stays well-formed', () => {
  const emojiAtLimit = `${'a'.repeat(TITLE_MAX_CHARS - 1)}😀😀`

  it('a chat title whose limit falls inside an emoji', () => {
    const title = titleOf({ request: { type: 'chat', messages: [{ role: 'user', content: emojiAtLimit }] } })
    expect(title).toBe('a'.repeat(TITLE_MAX_CHARS - 1))
    expect(isWellFormedText(titleOf({ title: emojiAtLimit, request: { type: 'chat', messages: [{ role: 'user', content: 'x' }] } }))).toBe(true)
  })

  it('a workflow title whose limit falls inside an emoji', () => {
    const title = workflowTitle('research-report', { topic: `${'x'.repeat(100)}${'😀'.repeat(20)}` })
    expect(isWellFormedText(title)).toBe(true)
    expect(title.length).toBeLessThanOrEqual(TITLE_MAX_CHARS)
  })

  it('a tool error longer than the limit', () => {
    const error = new ToolCallError('t', `${'e'.repeat(MAX_TOOL_ERROR_CHARS - 1)}${'😀'.repeat(10)}`)
    expect(isWellFormedText(error.message)).toBe(true)
    expect(error.message.startsWith(`${'e'.repeat(MAX_TOOL_ERROR_CHARS - 1)}…`)).toBe(true)
    expect(error.message.endsWith('e… (20 more characters cut)')).toBe(true)
  })

  it('a denial reason longer than the limit', () => {
    const decision = parseApprovalAnswer({ approved: false, reason: `${'r'.repeat(499)}😀` })
    expect(decision.reason).toBe('r'.repeat(499))
  })

  it('an upstream error body excerpt', async () => {
    const body = `${'b'.repeat(299)}😀 more`
    const error = await httpErrorFrom({ status: 500, headers: { get: () => null }, text: async () => body }, '', new AbortController().signal)
    expect(isWellFormedText(error.message)).toBe(true)
  })

  it('the excerpt of a chunk that is not JSON', () => {
    const parser = createChatCompletionParser()
    parser.feed(new TextEncoder().encode(`data: ${'z'.repeat(119)}😀 not json\n\n`))
    expect(parser.failure?.message).toMatch(/z…$/)
    expect(isWellFormedText(parser.failure!.message)).toBe(true)
  })

  it('recorded telemetry content', () => {
    const text = contentValue({ recordContent: true, maxContentChars: 5 } as never, 'abcd😀')
    expect(text).toBe('abcd…')
  })
})
