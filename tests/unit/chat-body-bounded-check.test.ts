/**
 * The AI SDK route takes any number of messages, each with any number of parts, up to
 * `limits.maxChatBodyBytes` (4 MiB). zod checked every item and built an issue for each wrong one:
 * a 3 MB body of `"messages":[1,1,…]` held the event loop for 3.4 s, and one message of 130,000
 * wrong parts overflowed the stack gathering their issues (a 500 and an "unexpected error" log).
 * Now a list stops checking at its first `MAX_CHECKED_ISSUES` problems; the 400 names the first
 * ten and says the rest were not all checked. The work is counted as items read, not timed.
 */
import { describe, expect, it, vi } from 'vitest'
import { readChatRequest } from '../../server/lib/ai-sdk/chat-request'
import { MAX_CHECKED_ISSUES } from '../../server/lib/http/bounded-list'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes()

/** `items` behind a proxy that counts the items read from it. */
function counted(items: unknown[]): { list: unknown[], reads: () => number } {
  let reads = 0
  const list = new Proxy(items, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++
      return Reflect.get(target, key, receiver)
    },
  })
  return { list, reads: () => reads }
}

function problemsOf(body: unknown): string {
  try {
    readChatRequest(body)
  }
  catch (error) {
    return (error as Error).message
  }
  throw new Error('the body was accepted')
}

describe('a chat body of many wrong items is checked up to its first problems', () => {
  it('20,000 messages that are not objects: the messages read stop after the first problems', () => {
    const messages = counted(Array.from({ length: 20_000 }, () => 1))
    const message = problemsOf({ id: 'c', messages: messages.list })
    expect(messages.reads()).toBeLessThanOrEqual(MAX_CHECKED_ISSUES)
    expect(message.startsWith('messages.0: Invalid input: expected object, received number; messages.1: ')).toBe(true)
    expect(message.endsWith(`messages.9: Invalid input: expected object, received number; and at least ${MAX_CHECKED_ISSUES - 10} more problems (not all checked)`)).toBe(true)
  })

  it('one message of 20,000 parts that are not objects: the parts read stop after the first problems', () => {
    const parts = counted(Array.from({ length: 20_000 }, () => 1))
    const messages = counted([{ role: 'user', parts: parts.list }, ...Array.from({ length: 20_000 }, () => ({ role: 'user', parts: [1] }))])
    const message = problemsOf({ id: 'c', messages: messages.list })
    expect(parts.reads()).toBeLessThanOrEqual(MAX_CHECKED_ISSUES)
    expect(messages.reads()).toBe(1)
    expect(message.startsWith('messages.0.parts.0: Invalid input: expected object, received number; messages.0.parts.1: ')).toBe(true)
    expect(message.endsWith('(not all checked)')).toBe(true)
  })

  it('a body with the newest `message` only: its parts are checked the same way', () => {
    const parts = counted(Array.from({ length: 20_000 }, () => ({})))
    const message = problemsOf({ id: 'c', message: { role: 'user', parts: parts.list } })
    expect(parts.reads()).toBeLessThanOrEqual(MAX_CHECKED_ISSUES)
    expect(message.startsWith('message.parts.0.type: Invalid input: expected string, received undefined; message.parts.1.type: ')).toBe(true)
  })

  it('a few problems are all named and counted, as before', () => {
    const message = problemsOf({ id: 'c', messages: [...Array.from({ length: 12 }, () => 1), { role: 'user', parts: [] }] })
    expect(message.endsWith('messages.9: Invalid input: expected object, received number; and 2 more problems')).toBe(true)
    expect(problemsOf({ id: 'c', messages: [] })).toBe('messages: must hold at least one message')
    expect(problemsOf({ id: 'c' })).toBe('messages: Invalid input: expected array, received undefined')
    expect(problemsOf({ id: 'c', messages: [{ role: 'user' }] })).toBe('messages.0.parts: Invalid input: expected array, received undefined')
    expect(problemsOf({ id: 'c', messages: 'hi' })).toBe('messages: Invalid input: expected array, received string')
  })

  it('a valid body is read whole, unknown part fields kept', () => {
    const intent = readChatRequest({ id: 'c', messages: [{ role: 'user', parts: [{ type: 'text', text: 'hi', extra: 1 }], junk: 1 }] })
    expect(intent).toEqual({ kind: 'turn', request: { id: 'c', messages: [{ role: 'user', parts: [{ type: 'text', text: 'hi', extra: 1 }] }] } })
  })

  it('POST /api/jobs/chat with one message of 130,000 wrong parts: a 400 naming them, not a 500', async () => {
    const parts = Array.from({ length: 130_000 }, () => '1').join(',')
    const response = await fetch(`${app.base}/api/jobs/chat`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept': 'application/json' }, body: `{"id":"c","messages":[{"role":"user","parts":[${parts}]}]}` })
    const { message } = await response.json() as { message: string }
    expect(response.status).toBe(400)
    expect(message.startsWith('messages.0.parts.0: Invalid input: expected object, received number; ')).toBe(true)
  })
})
