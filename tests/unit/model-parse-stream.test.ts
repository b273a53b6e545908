import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { UpstreamProtocolError, UpstreamStreamError } from '../../server/lib/model/errors'
import { parseChatCompletionStream } from '../../server/lib/model/parse-stream'
import type { ModelEvent } from '../../server/lib/model/types'
import { splitBytes } from '../support/split-bytes'

const encoder = new TextEncoder()

function chunk(delta: Record<string, unknown>, finishReason: string | null = null): string {
  return `data: ${JSON.stringify({ id: 'c1', model: 'm', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`
}

/** A realistic OpenRouter-style stream touching every feature the parser handles. */
const FULL_STREAM = [
  ': OPENROUTER PROCESSING\n\n',
  chunk({ role: 'assistant', content: '' }),
  chunk({ reasoning: 'Thinking about ' }),
  chunk({ reasoning_content: 'the café ☕' }),
  chunk({ content: 'Héllo wörld, ' }),
  chunk({ content: '日本語 and 😀🎉!' }),
  chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'calculate', arguments: '' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '{"expression":' } }] }),
  chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_current_time' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '"12 * 7"}' } }] }),
  chunk({}, 'tool_calls'),
  `data: ${JSON.stringify({ id: 'c1', choices: [], usage: { prompt_tokens: 11, completion_tokens: 22, total_tokens: 33 } })}\n\n`,
  'data: [DONE]\n\n',
].join('')

const EXPECTED: ModelEvent[] = [
  { type: 'reasoning-delta', text: 'Thinking about ' },
  { type: 'reasoning-delta', text: 'the café ☕' },
  { type: 'text-delta', text: 'Héllo wörld, ' },
  { type: 'text-delta', text: '日本語 and 😀🎉!' },
  { type: 'tool-call', call: { id: 'call_a', name: 'calculate', arguments: '{"expression":"12 * 7"}' } },
  { type: 'tool-call', call: { id: 'call_b', name: 'get_current_time', arguments: '' } },
  { type: 'usage', usage: { prompt: 11, completion: 22, total: 33 } },
  // Some reasoning came as `reasoning_content`: that is the name it goes back in (reasoning-echo.ts).
  { type: 'finish', finishReason: 'tool_calls', reasoningField: 'reasoning_content' },
]

async function* fromParts(parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part
}

async function collect(source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>): Promise<{ events: ModelEvent[], error: unknown }> {
  const events: ModelEvent[] = []
  try {
    for await (const event of parseChatCompletionStream(source)) events.push(event)
    return { events, error: undefined }
  }
  catch (error) {
    return { events, error }
  }
}

function streamOf(text: string): AsyncGenerator<Uint8Array> {
  return fromParts([encoder.encode(text)])
}

describe('parseChatCompletionStream', () => {
  const bytes = encoder.encode(FULL_STREAM)

  it('parses a full stream: comment ignored, reasoning, multibyte text, joined tool calls, usage, finish', async () => {
    expect(await collect(streamOf(FULL_STREAM))).toEqual({ events: EXPECTED, error: undefined })
  })

  it('gives identical events when the bytes are split in two at every byte boundary', async () => {
    for (let point = 0; point <= bytes.length; point++) {
      const { events, error } = await collect(fromParts(splitBytes(bytes, [point])))
      expect(error, `split at byte ${point}`).toBeUndefined()
      expect(events, `split at byte ${point}`).toEqual(EXPECTED)
    }
  })

  it('gives identical events for random multi-part splits, including one byte at a time', async () => {
    const everyByte = Array.from({ length: bytes.length }, (_, index) => index)
    expect((await collect(fromParts(splitBytes(bytes, everyByte)))).events).toEqual(EXPECTED)
    await fc.assert(fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: bytes.length }), { minLength: 2, maxLength: 40 }),
      async (points) => {
        expect(await collect(fromParts(splitBytes(bytes, points)))).toEqual({ events: EXPECTED, error: undefined })
      },
    ), { seed: 20_240_601, numRuns: 60 })
  })

  it('reads a web ReadableStream as well as an async iterable', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of splitBytes(bytes, [7, 100, 333])) controller.enqueue(part)
        controller.close()
      },
    })
    expect((await collect(stream)).events).toEqual(EXPECTED)
  })

  it('yields the text before a mid-stream error chunk, then throws UpstreamStreamError with its message', async () => {
    const text = chunk({ content: 'partial ' }) + `data: {"error":{"message":"Provider overloaded","code":502}}\n\n` + chunk({ content: 'never' })
    const { events, error } = await collect(streamOf(text))
    expect(events).toEqual([{ type: 'text-delta', text: 'partial ' }])
    expect(error).toBeInstanceOf(UpstreamStreamError)
    expect((error as UpstreamStreamError).message).toContain('Provider overloaded')
    expect((error as UpstreamStreamError).code).toBe('upstream-stream')
    expect((error as UpstreamStreamError).upstreamCode).toBe(502)
  })

  it('reads an error chunk whose error is a string (text-generation-inference, some proxies) instead of saying "unknown error"', async () => {
    const text = chunk({ content: 'partial ' }) + `data: {"error":"Input validation error: max_new_tokens must be <= 4096","error_type":"validation"}\n\n`
    const { events, error } = await collect(streamOf(text))
    expect(events).toEqual([{ type: 'text-delta', text: 'partial ' }])
    expect(error).toBeInstanceOf(UpstreamStreamError)
    expect((error as UpstreamStreamError).message).toBe('The model stream reported an error: Input validation error: max_new_tokens must be <= 4096')
  })

  it('fails on an `error:` line (llama.cpp\'s server sends a streaming error as that SSE field), keeping the text before it', async () => {
    const error = 'error: {"code":500,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error"}\n\n'
    const midStream = await collect(streamOf(chunk({ content: 'partial ' }) + error))
    expect(midStream.events).toEqual([{ type: 'text-delta', text: 'partial ' }])
    expect(midStream.error).toBeInstanceOf(UpstreamStreamError)
    expect((midStream.error as UpstreamStreamError).message).toBe('The model stream reported an error: the request exceeds the available context size, try increasing it')
    expect((midStream.error as UpstreamStreamError).upstreamCode).toBe(500)
    // Before any token: the same error, not "the endpoint answered without an event stream".
    const first = await collect(streamOf(error))
    expect(first.events).toEqual([])
    expect(first.error).toBeInstanceOf(UpstreamStreamError)
    expect((await collect(streamOf(chunk({ content: 'a' }) + 'error: upstream gone\n\n'))).error).toMatchObject({ message: 'The model stream reported an error: upstream gone' })
  })

  it('keeps at most 300 characters of a mid-stream error\'s message, as of an HTTP error body (a proxy may send a whole page)', async () => {
    const said = `upstream crashed: ${'x'.repeat(100_000)}`
    const { error } = await collect(streamOf(chunk({ content: 'partial ' }) + `data: ${JSON.stringify({ error: { message: said } })}\n\n`))
    const { message } = error as UpstreamStreamError
    expect(message.startsWith('The model stream reported an error: upstream crashed: xxx')).toBe(true)
    expect(message.length).toBeLessThanOrEqual('The model stream reported an error: '.length + 300)
  })

  it('ignores comment lines anywhere, and a stream of only comments is not an event stream', async () => {
    const text = ': OPENROUTER PROCESSING\n\n' + chunk({ content: 'a' }) + ': OPENROUTER PROCESSING\n\n' + chunk({ content: 'b' }, 'stop') + 'data: [DONE]\n\n'
    expect((await collect(streamOf(text))).events).toEqual([
      { type: 'text-delta', text: 'a' },
      { type: 'text-delta', text: 'b' },
      { type: 'finish', finishReason: 'stop' },
    ])
    const onlyComments = await collect(streamOf(': keep-alive\n\n'))
    expect(onlyComments.events).toEqual([])
    expect(onlyComments.error).toBeInstanceOf(UpstreamProtocolError)
  })

  it('ends normally without [DONE], with the finish reason seen or null, even when the last event is unterminated', async () => {
    expect((await collect(streamOf(chunk({ content: 'x' }, 'length')))).events).toEqual([
      { type: 'text-delta', text: 'x' },
      { type: 'finish', finishReason: 'length' },
    ])
    const unterminated = `data: ${JSON.stringify({ choices: [{ delta: { content: 'tail' } }] })}`
    expect((await collect(streamOf(unterminated))).events).toEqual([
      { type: 'text-delta', text: 'tail' },
      { type: 'finish', finishReason: null },
    ])
  })

  it('emits tool calls from a body that ends without finish_reason or [DONE]', async () => {
    const text = chunk({ tool_calls: [{ index: 0, id: 'call_x', function: { name: 'ping', arguments: '' } }] })
    expect((await collect(streamOf(text))).events).toEqual([
      { type: 'tool-call', call: { id: 'call_x', name: 'ping', arguments: '' } },
      { type: 'finish', finishReason: null },
    ])
  })

  it('stops reading at [DONE]', async () => {
    const text = chunk({ content: 'a' }) + 'data: [DONE]\n\n' + chunk({ content: 'after done' })
    expect((await collect(streamOf(text))).events).toEqual([
      { type: 'text-delta', text: 'a' },
      { type: 'finish', finishReason: null },
    ])
  })

  it('throws UpstreamProtocolError with an excerpt for a chunk that is not JSON, after the events before it', async () => {
    const text = chunk({ content: 'ok' }) + 'data: {"choices": [oops\n\n'
    const { events, error } = await collect(streamOf(text))
    expect(events).toEqual([{ type: 'text-delta', text: 'ok' }])
    expect(error).toBeInstanceOf(UpstreamProtocolError)
    expect((error as Error).message).toContain('not a JSON object')
    expect((error as Error).message).toContain('{"choices": [oops')
  })

  it('throws UpstreamProtocolError for a tool call that never got a name', async () => {
    const text = chunk({ tool_calls: [{ index: 0, id: 'call_x', function: { arguments: '{}' } }] }, 'tool_calls')
    expect((await collect(streamOf(text))).error).toBeInstanceOf(UpstreamProtocolError)
  })

  it('joins fragments without an index by id', async () => {
    const text = chunk({ tool_calls: [{ id: 'call_1', function: { name: 'a', arguments: '{"x":' } }] })
      + chunk({ tool_calls: [{ function: { arguments: '1}' } }] })
      + chunk({ tool_calls: [{ id: 'call_2', function: { name: 'b' } }] }, 'tool_calls')
    expect((await collect(streamOf(text))).events.filter(event => event.type === 'tool-call')).toEqual([
      { type: 'tool-call', call: { id: 'call_1', name: 'a', arguments: '{"x":1}' } },
      { type: 'tool-call', call: { id: 'call_2', name: 'b', arguments: '' } },
    ])
  })

  it('joins interleaved fragments that repeat their call\'s id, with no index or all at one index', async () => {
    for (const index of [{}, { index: 0 }]) {
      const text = chunk({ tool_calls: [{ ...index, id: 'call_a', function: { name: 'a', arguments: '{"x":' } }] })
        + chunk({ tool_calls: [{ ...index, id: 'call_b', function: { name: 'b', arguments: '{"y":' } }] })
        + chunk({ tool_calls: [{ ...index, id: 'call_a', function: { arguments: '1}' } }] })
        + chunk({ tool_calls: [{ ...index, id: 'call_b', function: { arguments: '2}' } }] }, 'tool_calls')
      const { events, error } = await collect(streamOf(text))
      expect(error).toBeUndefined()
      expect(events.filter(event => event.type === 'tool-call')).toEqual([
        { type: 'tool-call', call: { id: 'call_a', name: 'a', arguments: '{"x":1}' } },
        { type: 'tool-call', call: { id: 'call_b', name: 'b', arguments: '{"y":2}' } },
      ])
    }
  })

  it('keeps parallel calls apart when the upstream sends each at index 0 with its own id (Gemini\'s OpenAI-compatible API, some gateways)', async () => {
    const text = chunk({ tool_calls: [{ index: 0, id: 'function-call-1', type: 'function', function: { name: 'get_weather', arguments: '{"city":' } }] })
      + chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] })
      + chunk({ tool_calls: [{ index: 0, id: 'function-call-2', type: 'function', function: { name: 'get_time', arguments: '{"zone":"UTC"}' } }] })
      + chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'ping', arguments: '' } }] }, 'stop')
    expect((await collect(streamOf(text))).events.filter(event => event.type === 'tool-call')).toEqual([
      { type: 'tool-call', call: { id: 'function-call-1', name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { type: 'tool-call', call: { id: 'function-call-2', name: 'get_time', arguments: '{"zone":"UTC"}' } },
      { type: 'tool-call', call: { id: 'call_b', name: 'ping', arguments: '' } },
    ])
  })

  it('takes an id that arrives after the call\'s first fragment, and an id repeated on every fragment continues the call', async () => {
    const text = chunk({ tool_calls: [{ index: 0, function: { name: 'a', arguments: '{"x":' } }] })
      + chunk({ tool_calls: [{ index: 0, id: 'call_late', function: { arguments: '1}' } }] })
      + chunk({ tool_calls: [{ index: 1, id: 'call_same', function: { name: 'b', arguments: '{"y":' } }] })
      + chunk({ tool_calls: [{ index: 1, id: 'call_same', function: { arguments: '2}' } }] }, 'tool_calls')
    expect((await collect(streamOf(text))).events.filter(event => event.type === 'tool-call')).toEqual([
      { type: 'tool-call', call: { id: 'call_late', name: 'a', arguments: '{"x":1}' } },
      { type: 'tool-call', call: { id: 'call_same', name: 'b', arguments: '{"y":2}' } },
    ])
  })

  it('writes out arguments sent as a JSON object instead of its text (llama.cpp\'s server, text-generation-inference), instead of dropping them', async () => {
    const text = chunk({ tool_calls: [{ index: 0, id: 'call_obj', type: 'function', function: { name: 'get_weather', arguments: { city: 'Paris', days: 2 } } }] })
      + chunk({ tool_calls: [{ index: 1, id: 'call_empty', type: 'function', function: { name: 'get_time', arguments: {} } }] }, 'tool_calls')
    expect((await collect(streamOf(text))).events.filter(event => event.type === 'tool-call')).toEqual([
      { type: 'tool-call', call: { id: 'call_obj', name: 'get_weather', arguments: '{"city":"Paris","days":2}' } },
      { type: 'tool-call', call: { id: 'call_empty', name: 'get_time', arguments: '{}' } },
    ])
  })

  it('reads content sent as a list of thinking and text parts (Mistral\'s reasoning models) instead of dropping it', async () => {
    const text = chunk({ role: 'assistant', content: '' })
      + chunk({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'The user ' }, { type: 'text', text: 'greets me.' }] }] })
      + chunk({ content: [{ type: 'text', text: 'Hello' }, { type: 'reference', reference_ids: [1] }] })
      + chunk({ content: [{ type: 'text', text: ' there' }] }, 'stop')
      + 'data: [DONE]\n\n'
    expect((await collect(streamOf(text))).events).toEqual([
      { type: 'reasoning-delta', text: 'The user greets me.' },
      { type: 'text-delta', text: 'Hello' },
      { type: 'text-delta', text: ' there' },
      { type: 'finish', finishReason: 'stop' },
    ])
  })

  it('ignores empty `data:` events (a keep-alive some proxies and gateways send) instead of failing the stream', async () => {
    const text = chunk({ content: 'Hi' }) + 'data: \n\n' + 'data:\r\n\r\n' + 'data\n\n' + chunk({ content: '!' }, 'stop') + 'data: [DONE]\n\n'
    expect(await collect(streamOf(text))).toEqual({
      events: [{ type: 'text-delta', text: 'Hi' }, { type: 'text-delta', text: '!' }, { type: 'finish', finishReason: 'stop' }],
      error: undefined,
    })
    // Only keep-alives: still no event stream.
    expect((await collect(streamOf('data: \n\n'))).error).toBeInstanceOf(UpstreamProtocolError)
  })

  it('ignores an empty tool-call fragment sent after the real calls (DeepSeek\'s end marker), before or after finish_reason', async () => {
    const marker = (index: number) => ({ index, id: '', type: 'function', function: { arguments: null } })
    const text = chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_time', arguments: '{}' } }] })
      + chunk({ tool_calls: [marker(1)] })
      + chunk({ tool_calls: [marker(0)] }, 'tool_calls')
      + chunk({ tool_calls: [marker(2)] })
      + 'data: [DONE]\n\n'
    expect(await collect(streamOf(text))).toEqual({
      events: [{ type: 'tool-call', call: { id: 'call_a', name: 'get_time', arguments: '{}' } }, { type: 'finish', finishReason: 'tool_calls' }],
      error: undefined,
    })
  })

  it('fills total tokens when the upstream leaves it out', async () => {
    const text = `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 4 } })}\n\n`
    expect((await collect(streamOf(text))).events[0]).toEqual({ type: 'usage', usage: { prompt: 3, completion: 4, total: 7 } })
  })
})
