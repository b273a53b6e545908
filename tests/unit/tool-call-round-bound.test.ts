/**
 * A round's tool calls are joined from streamed fragments and held by the parser until the round's
 * finish: an endpoint (or a proxy) that streams a call's arguments forever, or call after call,
 * grew them without bound until the process died. The parser now holds at most
 * `MAX_ROUND_TOOL_CALL_BYTES` (4 MiB: what one stored event holds) of the round's calls — their
 * ids, names and arguments, in UTF-8 bytes — and at most `MAX_ROUND_TOOL_CALLS` calls; passing
 * either fails the round with an `UpstreamProtocolError` naming the call and the limit, the text
 * before it kept, and the body is read no further (tool-call-bounds.ts).
 */
import { describe, expect, it } from 'vitest'
import { UpstreamProtocolError } from '../../server/lib/model/errors'
import { parseChatCompletionStream } from '../../server/lib/model/parse-stream'
import type { ModelEvent } from '../../server/lib/model/types'

/** The bounds, written out. */
const MAX_BYTES = 4 * 1024 * 1024
const MAX_CALLS = 1024

const chunk = (delta: Record<string, unknown>) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`
const fragment = (index: number, part: { id?: string, name?: string, args?: string }) =>
  chunk({ tool_calls: [{ index, ...(part.id ? { id: part.id } : {}), function: { ...(part.name ? { name: part.name } : {}), arguments: part.args ?? '' } }] })
const FINISH = `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] })}\n\ndata: [DONE]\n\n`

/** Parses `pieces` (each one body piece, taken only as the parser asks): its events, its error, and how many pieces it read. */
async function parse(pieces: Iterable<string>): Promise<{ events: ModelEvent[], error: unknown, read: number }> {
  const events: ModelEvent[] = []
  let read = 0
  const body = (async function* () {
    for (const piece of pieces) {
      read++
      yield new TextEncoder().encode(piece)
    }
  })()
  try {
    for await (const event of parseChatCompletionStream(body)) events.push(event)
    return { events, error: null, read }
  }
  catch (error) {
    return { events, error, read }
  }
}

describe('a tool call whose arguments stream on', () => {
  it('fails the round at the bound, naming the call and the limit; the text before it is kept and nothing more is read', async () => {
    const piece = 'x'.repeat(64 * 1024)
    // 200 pieces of 64 KiB (12.5 MiB) stand for an endless stream: the bound is passed in the 64th.
    function* pieces() {
      yield chunk({ content: 'Looking it up.' })
      yield fragment(0, { id: 'call_1', name: 'search', args: '{"q":"' })
      for (let count = 0; count < 200; count++) yield fragment(0, { args: piece })
      yield FINISH
    }
    const { events, error, read } = await parse(pieces())
    expect(events).toEqual([{ type: 'text-delta', text: 'Looking it up.' }])
    expect(error).toBeInstanceOf(UpstreamProtocolError)
    expect((error as Error).message).toBe(`The model stream sent tool call "search" (index 0) past ${MAX_BYTES} bytes: a round's tool calls (their ids, names and arguments together) may hold at most ${MAX_BYTES} bytes of UTF-8, what one stored event holds`)
    expect(read).toBe(2 + 64)
  })

  it('passes arguments that reach the bound exactly, counted in UTF-8 bytes, and fails one character more', async () => {
    // `é` is 2 bytes in one UTF-16 unit: the bound in units would let twice as much through.
    const held = 'call_1'.length + 'search'.length
    const atBound = 'é'.repeat((MAX_BYTES - held) / 2)
    const whole = await parse([fragment(0, { id: 'call_1', name: 'search', args: atBound }), FINISH])
    expect(whole.error).toBeNull()
    expect(whole.events[0]).toEqual({ type: 'tool-call', call: { id: 'call_1', name: 'search', arguments: atBound } })
    const over = await parse([fragment(0, { id: 'call_1', name: 'search', args: atBound }), fragment(0, { args: 'é' }), FINISH])
    expect(over.error).toBeInstanceOf(UpstreamProtocolError)
    expect(over.events).toEqual([])
  })
})

describe('a round of many calls', () => {
  it('counts the calls together: five of nearly 1 MiB each, every one far under the bound, fail at the fifth', async () => {
    // Four hold 4 × (1 MiB − 100 + 'call_i' + 'save') bytes, under 4 MiB; the fifth passes it.
    const nearlyMebibyte = 'y'.repeat(1024 * 1024 - 100)
    const { events, error } = await parse([0, 1, 2, 3, 4].map(index => fragment(index, { id: `call_${index}`, name: 'save', args: nearlyMebibyte })).concat(FINISH))
    expect(events).toEqual([])
    expect((error as Error).message).toContain('tool call "save" (index 4) past 4194304 bytes')
  })

  it('holds at most the bound of calls: one more fails the round, naming it', async () => {
    const calls = (count: number) => Array.from({ length: count }, (_, index) => fragment(index, { id: `c${index}`, name: 'ping', args: '{}' }))
    const whole = await parse([...calls(MAX_CALLS), FINISH])
    expect(whole.error).toBeNull()
    expect(whole.events.filter(event => event.type === 'tool-call')).toHaveLength(MAX_CALLS)
    const over = await parse([chunk({ content: 'Pinging.' }), ...calls(MAX_CALLS + 1), FINISH])
    expect(over.events).toEqual([{ type: 'text-delta', text: 'Pinging.' }])
    expect(over.error).toBeInstanceOf(UpstreamProtocolError)
    expect((over.error as Error).message).toBe(`The model stream sent tool call "ping" (index ${MAX_CALLS}) past ${MAX_CALLS} calls: a round may hold at most ${MAX_CALLS} tool calls`)
    expect(over.read).toBe(MAX_CALLS + 2)
  })
})
