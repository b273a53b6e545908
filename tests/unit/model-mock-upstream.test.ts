/**
 * The real client over real HTTP against the mock upstream: proves the mock's fault turns and that
 * an abort really reaches the upstream socket. Real time, small delays; no fixed sleeps.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createModelClient } from '../../server/lib/model/client'
import { collectStream } from '../support/collect-stream'
import type { ModelClientOptions } from '../../server/lib/model/client'
import { UpstreamNetworkError, UpstreamProtocolError, UpstreamStreamError, UpstreamTimeoutError } from '../../server/lib/model/errors'
import type { ModelEvent } from '../../server/lib/model/types'
import { startMockUpstream } from '../support/mock-upstream'
import type { MockHandler, MockTurn, MockUpstream } from '../support/mock-upstream'

let mock: MockUpstream | undefined

afterEach(async () => {
  await mock?.close()
  mock = undefined
})

async function run(turns: MockTurn[] | MockHandler, overrides: Partial<ModelClientOptions> = {}, signal = new AbortController().signal) {
  mock = await startMockUpstream(turns)
  const result = await collectStream({ baseUrl: mock.url, apiKey: 'sk-mock', ...overrides }, signal)
  return { ...result, requests: mock.requests }
}

describe('mock upstream with the real client', () => {
  it('streams the default answer and records the request', async () => {
    const { text, error, events, requests } = await run([])
    expect(error).toBeUndefined()
    expect(text).toBe('Hello from the mock upstream.')
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' })
    expect(requests[0]!.headers.authorization).toBe('Bearer sk-mock')
    expect(requests[0]!.body).toMatchObject({ model: 'mock/model', stream: true })
  })

  it('joins tool calls and retries 429 then 200', async () => {
    const { events, requests } = await run([
      { status: 429, headers: { 'retry-after': '0' } },
      { chunks: [], comments: ['OPENROUTER PROCESSING'], toolCalls: [{ name: 'calculate', arguments: '{"expression":"1+1"}' }, { name: 'get_current_time' }] },
    ])
    expect(requests).toHaveLength(2)
    expect(events.filter(event => event.type === 'tool-call')).toEqual([
      { type: 'tool-call', call: { id: 'call_mock_0', name: 'calculate', arguments: '{"expression":"1+1"}' } },
      { type: 'tool-call', call: { id: 'call_mock_1', name: 'get_current_time', arguments: '' } },
    ])
  })

  it('gives up on 500 forever after the retries', async () => {
    const { error, requests } = await run([{ status: 500 }])
    expect(requests).toHaveLength(3)
    expect(error).toMatchObject({ code: 'upstream-http', status: 500 })
  })

  it('reports an error chunk, an invalid JSON chunk and a connection closed mid-stream', async () => {
    const errorChunk = await run([{ chunks: ['a', 'b', 'c'], errorChunkAfter: 2, errorMessage: 'Overloaded' }])
    expect(errorChunk.text).toBe('ab')
    expect(errorChunk.error).toBeInstanceOf(UpstreamStreamError)
    await mock!.close()

    const invalid = await run([{ rawLines: ['data: {"choices":[{"delta":{"content":"ok"}}]}', 'data: {not json'] }])
    expect(invalid.text).toBe('ok')
    expect(invalid.error).toBeInstanceOf(UpstreamProtocolError)
    await mock!.close()

    const closed = await run([{ chunks: ['one', 'two', 'three'], closeAfterChunks: 2 }])
    expect(closed.text).toBe('onetwo')
    expect(closed.error).toBeInstanceOf(UpstreamNetworkError)
    expect(closed.requests).toHaveLength(1)
  })

  it('times out before the first token and on a stall mid-stream', async () => {
    const first = await run([{ hangAfterChunks: 0 }], { firstTokenTimeoutMs: 100 })
    expect(first.error).toMatchObject({ kind: 'first-token' })
    await mock!.close()

    const stall = await run([{ chunks: ['x', 'y', 'z'], hangAfterChunks: 1 }], { stallTimeoutMs: 100 })
    expect(stall.text).toBe('x')
    expect(stall.error).toBeInstanceOf(UpstreamTimeoutError)
    expect(stall.error).toMatchObject({ kind: 'stall' })
  })

  it('aborts the upstream request when the signal aborts mid-stream', async () => {
    const controller = new AbortController()
    const handler: MockHandler = () => ({ chunks: ['first', 'second'], hangAfterChunks: 1 })
    mock = await startMockUpstream(handler)
    const client = createModelClient({ baseUrl: mock.url, firstTokenTimeoutMs: 5_000, stallTimeoutMs: 5_000, maxRetries: 0, retryBaseDelayMs: 1 })
    const events: ModelEvent[] = []
    const reason = new Error('stop')
    await expect((async () => {
      for await (const event of client.stream({ model: 'm', messages: [] }, controller.signal)) {
        events.push(event)
        controller.abort(reason)
      }
    })()).rejects.toBe(reason)
    expect(events).toEqual([{ type: 'text-delta', text: 'first' }])
    await vi.waitFor(() => expect(mock!.requests[0]!.aborted).toBe(true))
  })
})
