/**
 * The node:http transport the client uses for the real upstream (no `options.fetch`), over real
 * loopback HTTP: status and Retry-After handling, error excerpts without the key, socket errors,
 * compressed bodies, aborts that reach the upstream, and the body reader's backpressure.
 */
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PassThrough } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { collectStream } from '../support/collect-stream'
import type { ModelClientOptions } from '../../server/lib/model/client'
import { UpstreamHttpError, UpstreamNetworkError, UpstreamTimeoutError } from '../../server/lib/model/errors'
import { createBodyReader, MAX_QUEUED_CHUNKS } from '../../server/lib/model/node-transport'
import { startMockUpstream, streamFrames } from '../support/mock-upstream'
import type { MockTurn, MockUpstream } from '../support/mock-upstream'

const API_KEY = 'sk-node-transport-secret'
let mock: MockUpstream | undefined
let plain: Server | undefined

afterEach(async () => {
  await mock?.close()
  mock = undefined
  plain?.closeAllConnections()
  await new Promise(resolve => plain ? plain.close(resolve) : resolve(undefined))
  plain = undefined
})

async function run(baseUrl: string, overrides: Partial<ModelClientOptions> = {}, signal = new AbortController().signal) {
  return await collectStream({ baseUrl, apiKey: API_KEY, maxRetries: 0, ...overrides }, signal)
}

async function upstream(turns: MockTurn[]) {
  mock = await startMockUpstream(turns)
  return mock
}

/** A one-off server for what the mock cannot do (compressed bodies, never answering). */
async function startPlain(handler: Parameters<typeof createServer>[1]): Promise<string> {
  plain = createServer(handler)
  await new Promise<void>(resolve => plain!.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(plain.address() as AddressInfo).port}/v1`
}

describe('node transport: responses', () => {
  it('sends the JSON body with its length and the bearer key', async () => {
    const { url, requests } = await upstream([])
    const { text, error } = await run(url)
    expect(error).toBeUndefined()
    expect(text).toBe('Hello from the mock upstream.')
    expect(requests[0]!.headers['content-length']).toBe(String(Buffer.byteLength(JSON.stringify(requests[0]!.body))))
    expect(requests[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`)
  })

  it('reports a 400 with a short body excerpt, never the key, and does not retry', async () => {
    const { url, requests } = await upstream([{ status: 400, body: `{"error":"bad key ${API_KEY} Bearer ${API_KEY} ${'x'.repeat(1_000)}"}` }])
    const { error } = await run(url, { maxRetries: 2 })
    expect(error).toBeInstanceOf(UpstreamHttpError)
    const message = (error as Error).message
    expect(message).toContain('HTTP 400')
    expect(message).toContain('bad key')
    expect(message).not.toContain(API_KEY)
    expect(message.length).toBeLessThan(400)
    expect(requests).toHaveLength(1)
  })

  it('retries a 429 before the first event and reads Retry-After', async () => {
    const { url, requests } = await upstream([{ status: 429, headers: { 'retry-after': '0' } }, {}])
    const { text, error } = await run(url, { maxRetries: 1, retryBaseDelayMs: 60_000 })
    expect(error).toBeUndefined()
    expect(text).toBe('Hello from the mock upstream.')
    expect(requests).toHaveLength(2)
  })

  it('decodes a gzip-compressed stream', async () => {
    const body = gzipSync(`${streamFrames({ chunks: ['zipped', ' text'] }).join('')}data: [DONE]\n\n`)
    const url = await startPlain((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' }).end(body)
    })
    const { text, error } = await run(url)
    expect(error).toBeUndefined()
    expect(text).toBe('zipped text')
  })
})

describe('node transport: failures and aborts', () => {
  it('turns a refused connection into a retryable UpstreamNetworkError', async () => {
    const url = await startPlain(() => {})
    plain!.close()
    plain = undefined
    const { error } = await run(url)
    expect(error).toBeInstanceOf(UpstreamNetworkError)
    expect((error as UpstreamNetworkError).retryable).toBe(true)
    expect((error as Error).message).toMatch(/^Could not reach the model endpoint: .*ECONNREFUSED/)
  })

  it('aborts the request when the headers never come (first-token timeout)', async () => {
    let sawClose = false
    const url = await startPlain((request) => {
      request.socket.on('close', () => { sawClose = true })
    })
    const { error } = await run(url, { firstTokenTimeoutMs: 50 })
    expect(error).toBeInstanceOf(UpstreamTimeoutError)
    expect((error as UpstreamTimeoutError).kind).toBe('first-token')
    await vi.waitFor(() => expect(sawClose).toBe(true))
  })

  it('a connection closed mid-stream is a network error after the text so far, without a retry', async () => {
    const { url, requests } = await upstream([{ chunks: ['one', 'two', 'three'], closeAfterChunks: 2 }])
    const { text, error } = await run(url, { maxRetries: 2 })
    expect(text).toBe('onetwo')
    expect(error).toBeInstanceOf(UpstreamNetworkError)
    // The endpoint answered: not "Could not reach" (and node's bare "aborted" gets its code).
    expect((error as Error).message).toBe('The connection to the model endpoint broke before the answer ended: aborted (ECONNRESET)')
    expect(requests).toHaveLength(1)
  })

  it('the caller\'s abort while waiting for headers rejects with its reason and reaches the upstream', async () => {
    const controller = new AbortController()
    const reason = new Error('user left')
    // The upstream got the request but has not answered yet when the caller aborts.
    mock = await startMockUpstream(async () => {
      controller.abort(reason)
      return {}
    })
    const { error, events } = await run(mock.url, {}, controller.signal)
    expect(error).toBe(reason)
    expect(events).toEqual([])
    await vi.waitFor(() => expect(mock!.requests[0]!.aborted).toBe(true))
  })
})

describe('node transport: body reader', () => {
  it('pauses the source past the queue limit, resumes as it drains, and keeps the order', async () => {
    const source = new PassThrough()
    const reader = createBodyReader(source, () => {})
    const count = MAX_QUEUED_CHUNKS * 2
    for (let index = 0; index < count; index++) source.write(Buffer.from(String(index)))
    source.end()
    await vi.waitFor(() => expect(source.isPaused()).toBe(true))
    const seen: string[] = []
    for (let result = await reader.read(); !result.done; result = await reader.read()) seen.push(Buffer.from(result.value).toString())
    expect(seen).toEqual(Array.from({ length: count }, (_, index) => String(index)))
  })

  it('rejects a pending read when the source is destroyed, and cancel ends the request', async () => {
    const source = new PassThrough()
    const end = vi.fn()
    const reader = createBodyReader(source, end)
    const pending = reader.read()
    source.destroy()
    await expect(pending).rejects.toThrow('closed before it ended')
    await reader.cancel()
    expect(end).toHaveBeenCalledOnce()
  })
})
