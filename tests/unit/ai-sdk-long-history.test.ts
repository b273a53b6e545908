/**
 * The AI SDK posts the whole chat back every turn (and a newest-message-only client gets it from
 * the chat's jobs). An earlier message longer than `limits.maxMessageChars` — an answer the model
 * wrote past it, or a user message the server refused and the SDK kept in its list — must not
 * refuse every later turn: it goes to the model cut, as the demo's own chat sends it. The message a
 * new turn answers is still checked.
 */
import { describe, expect, it, vi } from 'vitest'
import { RequestError } from '../../server/lib/http/request'
import { chatTurnHistory } from '../support/chat-turn-history'

// The route helpers import Nitro's runtime, which only exists in a built server.
vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

const MAX = 1_000

const user = (id: string, text: string) => ({ id, role: 'user' as const, parts: [{ type: 'text', text }] })
const assistant = (id: string, ...texts: string[]) => ({ id, role: 'assistant' as const, parts: [{ type: 'step-start' }, ...texts.map(text => ({ type: 'text', text, state: 'done' }))] })

/** The model's history of the job a post would start. */
const historyOf = (body: unknown) => chatTurnHistory(body, { limits: { maxMessageChars: MAX } })

describe('earlier messages past limits.maxMessageChars', () => {
  it('an answer longer than the limit (its steps\' text joined) goes to the model cut; the next turn is taken', () => {
    const long = '😀'.repeat(300) + 'x'.repeat(700)
    const history = historyOf({ id: 'chat', messages: [user('u1', 'write a lot'), assistant('a1', long, 'and more'), user('u2', 'thanks')] })
    expect(history.map(message => message.role)).toEqual(['user', 'assistant', 'user'])
    expect(history[1]!.content!.length).toBeLessThanOrEqual(MAX)
    expect(long.startsWith(history[1]!.content!.slice(0, -1))).toBe(true)
    expect(history[2]!.content).toBe('thanks')
  })

  it('a refused user message the SDK kept in its list does not refuse the turns after it', () => {
    const history = historyOf({ id: 'chat', messages: [user('u1', 'y'.repeat(MAX + 1)), user('u2', 'shorter then')] })
    expect(history.map(message => message.content?.length)).toEqual([MAX, 'shorter then'.length])
  })

  it('the message the turn answers is still refused past the limit, named as posted', () => {
    expect(() => historyOf({ id: 'chat', messages: [user('u1', 'hi'), assistant('a1', 'hello'), user('u2', 'z'.repeat(MAX + 1))] }))
      .toThrow(RequestError)
    expect(() => historyOf({ id: 'chat', messages: [user('u1', 'hi'), assistant('a1', 'hello'), user('u2', 'z'.repeat(MAX + 1))] }))
      .toThrow(/^messages\.2\.parts \(their text\): must be at most 1000 characters \(limits\.maxMessageChars\)/)
  })
})
