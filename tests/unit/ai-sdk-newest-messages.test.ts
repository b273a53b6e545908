/** The newest messages of an AI SDK chat that fit `limits.maxMessages`, cut at a user message (newest-messages.ts). */
import { describe, expect, it } from 'vitest'
import type { UiMessageInput } from '../../server/lib/ai-sdk/chat-request'
import { newestMessages, postedIndex } from '../../server/lib/ai-sdk/newest-messages'

const message = (role: UiMessageInput['role'], text: string): UiMessageInput => ({ id: text, role, parts: [{ type: 'text', text }] })
const ids = (messages: UiMessageInput[]) => messages.map(each => each.id)

describe('newestMessages', () => {
  const chat = [message('user', 'u1'), message('assistant', 'a1'), message('user', 'u2'), message('assistant', 'a2'), message('user', 'u3')]

  it('keeps a chat that fits as it is', () => {
    expect(newestMessages(chat, 5)).toEqual({ messages: chat, dropped: 0 })
  })

  it('drops the oldest, starting the kept ones at a user message', () => {
    expect(ids(newestMessages(chat, 4).messages)).toEqual(['u2', 'a2', 'u3'])
    expect(newestMessages(chat, 4).dropped).toBe(2)
    expect(ids(newestMessages(chat, 3).messages)).toEqual(['u2', 'a2', 'u3'])
    expect(ids(newestMessages(chat, 1).messages)).toEqual(['u3'])
  })

  it('keeps the last message whatever precedes it (no user message to start at)', () => {
    const odd = [message('user', 'u1'), message('assistant', 'a1'), message('assistant', 'a2'), message('user', 'u2')]
    expect(ids(newestMessages(odd, 2).messages)).toEqual(['u2'])
  })

  it('also keeps within `maxBytes` of JSON, starting at a user message, and always keeps the last message', () => {
    const long = (role: UiMessageInput['role'], text: string): UiMessageInput => ({ id: text, role, parts: [{ type: 'text', text: text.padEnd(1_000, '.') }] })
    const big = [long('user', 'u1'), long('assistant', 'a1'), long('user', 'u2'), long('assistant', 'a2'), long('user', 'u3')]
    const bytes = (messages: UiMessageInput[]) => Buffer.byteLength(JSON.stringify(messages))
    expect(newestMessages(big, 10, bytes(big))).toEqual({ messages: big, dropped: 0 })
    expect(ids(newestMessages(big, 10, bytes(big) - 1).messages)).toEqual(['u2', 'a2', 'u3'])
    expect(ids(newestMessages(big, 10, bytes(big.slice(2)) - 1).messages)).toEqual(['u3'])
    expect(ids(newestMessages(big, 10, 10).messages)).toEqual(['u3'])
  })

  it('names a message by its index in what the client posted', () => {
    expect(postedIndex('messages.1.content: too long; messages.0.role: bad', 3)).toBe('messages.4.content: too long; messages.3.role: bad')
    expect(postedIndex('messages.1.content: too long', 0)).toBe('messages.1.content: too long')
  })
})
