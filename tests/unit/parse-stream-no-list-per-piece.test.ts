/**
 * The push parser runs for every upstream piece of every streaming job: a piece that completes no
 * event (a comment, half a line) makes no list — `feed` hands back one shared empty list that
 * nobody can write to — and the events of the end, and a round's tool calls at its finish, still
 * come whole.
 */
import { describe, expect, it } from 'vitest'
import { UpstreamProtocolError } from '../../server/lib/model/errors'
import { createChatCompletionParser } from '../../server/lib/model/parse-stream'

const encoder = new TextEncoder()
const bytes = (text: string) => encoder.encode(text)
const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => `data: ${JSON.stringify({ id: 'c1', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`

describe('chat-completion parser: lists per piece', () => {
  it('hands back the same empty, frozen list for every piece that completes no event', () => {
    const parser = createChatCompletionParser()
    const first = parser.feed(bytes(': OPENROUTER PROCESSING\n\n'))
    const second = parser.feed(bytes('data: {"id":"c1","choices":[{"index":0,'))
    expect(first).toEqual([])
    // Failed before: a new list for each piece.
    expect(second).toBe(first)
    expect(Object.isFrozen(first)).toBe(true)
    expect(parser.feed(bytes('"delta":{"content":"Hi"},"finish_reason":null}]}\n\n'))).toEqual([{ type: 'text-delta', text: 'Hi' }])
    // The end adds its events to a list of its own, after pieces that completed none.
    parser.feed(bytes(': keep-alive\n\n'))
    expect(parser.end()).toEqual([{ type: 'finish', finishReason: null }])
    expect(first).toEqual([])
  })

  it('gives each piece its own list of the events it completed', () => {
    const parser = createChatCompletionParser()
    const one = parser.feed(bytes(chunk({ content: 'a' })))
    const two = parser.feed(bytes(chunk({ content: 'b' }) + chunk({ reasoning: 'c' })))
    expect(one).toEqual([{ type: 'text-delta', text: 'a' }])
    expect(two).toEqual([{ type: 'text-delta', text: 'b' }, { type: 'reasoning-delta', text: 'c' }])
  })

  it('queues a finish\'s tool calls all or none: one without a name fails the round with none of them', () => {
    const parser = createChatCompletionParser()
    parser.feed(bytes(chunk({ tool_calls: [{ index: 0, id: 'a', function: { name: 'calc', arguments: '{}' } }, { index: 1, id: 'b', function: { arguments: '{}' } }] })))
    expect(parser.feed(bytes(chunk({}, 'tool_calls')))).toEqual([])
    const end = parser.end()
    expect(end.some(event => event.type === 'tool-call')).toBe(false)
    expect(parser.failure).toBeInstanceOf(UpstreamProtocolError)
  })
})
