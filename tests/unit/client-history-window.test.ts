import { describe, expect, it } from 'vitest'
import type { CatalogLimits, ChatHistoryMessage } from '../../app/lib/api-types'
import { DEFAULT_CATALOG_LIMITS } from '../../app/lib/catalog-limits'
import { DEFAULT_CONFIG } from '../../server/lib/config'
import { BODY_ROOM_BYTES, fitHistory, promptProblem } from '../../demo/app/lib/history-window'
import { buildHistory } from '../../demo/app/lib/threads'
import type { ThreadTurn } from '../../demo/app/lib/threads'

const LIMITS: CatalogLimits = { maxMessages: 200, maxMessageChars: 100_000, maxBodyBytes: 262_144 }
const bodyBytes = (messages: ChatHistoryMessage[]) => new TextEncoder().encode(JSON.stringify({ messages, threadId: 't'.repeat(200), tools: [] })).length

function turns(count: number, answer = (index: number) => `Answer ${index}`): ThreadTurn[] {
  return Array.from({ length: count }, (_, index) => ({ id: `j${index}`, messageId: null, createdAt: index, type: 'chat', prompt: `Question ${index}`, answer: answer(index), status: 'completed' }))
}

describe('history window', () => {
  it('the defaults a client assumes before the catalog has loaded are the server\'s', () => {
    expect(DEFAULT_CATALOG_LIMITS).toEqual({
      maxMessages: DEFAULT_CONFIG.limits.maxMessages,
      maxMessageChars: DEFAULT_CONFIG.limits.maxMessageChars,
      maxBodyBytes: DEFAULT_CONFIG.limits.maxBodyBytes,
    })
  })

  it('sends a short thread as it is', () => {
    const messages = buildHistory(turns(3), 'Next')
    expect(fitHistory(messages, LIMITS)).toEqual(messages)
  })

  it('turn 101 of a thread still goes: the newest whole turns within limits.maxMessages, the prompt last', () => {
    const fitted = fitHistory(buildHistory(turns(150), 'Next'), LIMITS)
    expect(fitted.length).toBeLessThanOrEqual(200)
    // 99 whole turns (198 messages) and the prompt: one more turn would make 201.
    expect(fitted).toHaveLength(199)
    expect(fitted[0]).toEqual({ role: 'user', content: 'Question 51' })
    expect(fitted.at(-2)).toEqual({ role: 'assistant', content: 'Answer 149', jobId: 'j149' })
    expect(fitted.at(-1)).toEqual({ role: 'user', content: 'Next' })
  })

  it('counts a failed turn (its prompt alone) as one message and never splits a turn', () => {
    const thread: ThreadTurn[] = [
      { id: 'j1', messageId: null, createdAt: 1, type: 'chat', prompt: 'A', answer: 'a', status: 'completed' },
      { id: 'j2', messageId: null, createdAt: 2, type: 'chat', prompt: 'B', answer: '', status: 'failed' },
      { id: 'j3', messageId: null, createdAt: 3, type: 'chat', prompt: 'C', answer: 'c', status: 'completed' },
    ]
    expect(fitHistory(buildHistory(thread, 'Next'), { ...LIMITS, maxMessages: 4 }).map(message => message.content)).toEqual(['B', 'C', 'c', 'Next'])
    expect(fitHistory(buildHistory(thread, 'Next'), { ...LIMITS, maxMessages: 3 }).map(message => message.content)).toEqual(['C', 'c', 'Next'])
    expect(fitHistory(buildHistory(thread, 'Next'), { ...LIMITS, maxMessages: 1 }).map(message => message.content)).toEqual(['Next'])
  })

  it('a thread of pasted documents stays within limits.maxBodyBytes (multi-byte text counted in bytes)', () => {
    const document = 'Löwe 🦁 lorem ipsum '.repeat(2_000)
    const thread = turns(10, () => document)
    const full = buildHistory(thread, 'Next')
    expect(bodyBytes(full)).toBeGreaterThan(LIMITS.maxBodyBytes)
    const fitted = fitHistory(full, LIMITS)
    expect(bodyBytes(fitted)).toBeLessThanOrEqual(LIMITS.maxBodyBytes)
    expect(fitted[0]!.role).toBe('user')
    expect(fitted.at(-1)).toEqual({ role: 'user', content: 'Next' })
    // As many of the newest turns as fit: one more would not.
    const kept = (fitted.length - 1) / 2
    expect(bodyBytes(full.slice(full.length - 1 - (kept + 1) * 2)) + BODY_ROOM_BYTES).toBeGreaterThan(LIMITS.maxBodyBytes)
  })

  it('cuts an answer longer than limits.maxMessageChars (the server would refuse the whole body)', () => {
    const fitted = fitHistory(buildHistory(turns(1, () => 'x'.repeat(150)), 'Next'), { ...LIMITS, maxMessageChars: 100 })
    expect(fitted[1]!.content).toHaveLength(100)
    expect(fitted[1]!.content.endsWith('…')).toBe(true)
  })

  it('says in words when the new message itself is too long, by characters or by bytes', () => {
    expect(promptProblem('Hello', LIMITS)).toBeNull()
    expect(promptProblem('x'.repeat(100_001), LIMITS)).toBe('Your message is too long to send (100,001 characters). Shorten it, or split it into parts.')
    // 90,000 characters of three bytes each: within maxMessageChars, not within the body.
    expect(promptProblem('€'.repeat(90_000), LIMITS)).toMatch(/^Your message is too long to send \(90,000 characters\)/)
    expect(promptProblem('x'.repeat(100_000), LIMITS)).toBeNull()
  })
})
