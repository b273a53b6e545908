/**
 * What the user reads when the upstream answers something other than a chat-completions stream:
 * a JSON (non-streamed) answer, an HTML page, an empty body, a proxy's HTML error page, an
 * OpenAI-style JSON error, a redirect. The real client over the mock upstream (real HTTP).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { describeErrorBody } from '../../server/lib/model/error-body'
import { UpstreamHttpError, UpstreamProtocolError } from '../../server/lib/model/errors'
import { createModelClient } from '../../server/lib/model/client'
import type { ModelEvent } from '../../server/lib/model/types'
import { collectStream, TEST_CLIENT_OPTIONS } from '../support/collect-stream'
import { startMockUpstream } from '../support/mock-upstream'
import type { MockTurn, MockUpstream } from '../support/mock-upstream'

let mock: MockUpstream | undefined

afterEach(async () => {
  await mock?.close()
  mock = undefined
})

async function run(turn: MockTurn) {
  mock = await startMockUpstream([turn])
  return collectStream({ baseUrl: mock.url, apiKey: 'sk-secret-key', maxRetries: 0 })
}

const NGINX_502 = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n'

describe('a 2xx answer that is not an event stream', () => {
  it('a non-streamed JSON answer fails the round instead of finishing it empty', async () => {
    const { events, error } = await run({ status: 200, body: JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }] }) })
    expect(events).toEqual([])
    expect(error).toBeInstanceOf(UpstreamProtocolError)
    expect((error as Error).message).toContain('without an event stream')
    expect((error as Error).message).toContain('"finish_reason":"stop"')
  })

  it('an HTML page (a captive portal, a dashboard) is named by its title, not pasted', async () => {
    const { events, error } = await run({ status: 200, headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><html><head><title>Sign in &amp; continue</title><script>var key="sk-secret-key"</script></head><body><form></form></body></html>' })
    expect(events).toEqual([])
    expect(error).toBeInstanceOf(UpstreamProtocolError)
    expect((error as Error).message).toContain('Sign in & continue (an HTML page)')
    expect((error as Error).message).not.toMatch(/<|sk-secret-key/)
  })

  it('an empty body, and one with only keep-alive comments', async () => {
    const empty = await run({ status: 200, body: '' })
    expect(empty.error).toBeInstanceOf(UpstreamProtocolError)
    expect((empty.error as Error).message).toContain('the body was empty')
    await mock!.close()
    const comments = await run({ rawLines: [': keep-alive', ': keep-alive'] })
    expect(comments.error).toBeInstanceOf(UpstreamProtocolError)
  })

  it('a stream holding only [DONE] is still a (silent) answer', async () => {
    const { events, error } = await run({ rawLines: ['data: [DONE]'] })
    expect(error).toBeUndefined()
    expect(events).toEqual([{ type: 'finish', finishReason: null }])
  })
})

describe('an HTTP error answer', () => {
  it('a proxy\'s HTML error page becomes its title', async () => {
    const { error } = await run({ status: 502, headers: { 'content-type': 'text/html' }, body: NGINX_502 })
    expect(error).toBeInstanceOf(UpstreamHttpError)
    expect((error as Error).message).toBe('The model endpoint answered HTTP 502: 502 Bad Gateway (an HTML page)')
  })

  it('an OpenAI-style JSON error becomes its message and code, with the key scrubbed', async () => {
    const body = JSON.stringify({ error: { message: 'Incorrect API key provided: sk-secret-key.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } })
    const { error } = await run({ status: 401, body })
    expect((error as Error).message).toBe('The model endpoint answered HTTP 401: Incorrect API key provided: [redacted]. (invalid_api_key)')
  })

  it('a redirect says where to and that it is not followed, without the query', async () => {
    const { error } = await run({ status: 307, body: '', headers: { location: 'https://api.example.com/v1/chat/completions?token=abc' } })
    expect((error as Error).message).toBe('The model endpoint answered HTTP 307: a redirect to https://api.example.com/v1/chat/completions, which the client does not follow: set upstream.baseUrl to the final address')
  })
})

describe('an API key read with a line break around it (a secret file, `echo` into an env var)', () => {
  it('is sent trimmed, as fetch would send it, and scrubbed from what the upstream echoes', async () => {
    mock = await startMockUpstream([{ chunks: ['Hello'] }])
    const answer = await collectStream({ baseUrl: mock.url, apiKey: 'sk-secret-key\n', maxRetries: 0 })
    expect(answer.error).toBeUndefined()
    expect(answer.text).toBe('Hello')
    expect(mock.requests[0]!.headers.authorization).toBe('Bearer sk-secret-key')
    await mock.close()
    mock = await startMockUpstream([{ status: 401, body: JSON.stringify({ error: { message: 'Incorrect API key provided: sk-secret-key.', code: 'invalid_api_key' } }) }])
    const refused = await collectStream({ baseUrl: mock.url, apiKey: ' sk-secret-key\r\n', maxRetries: 0 })
    expect((refused.error as Error).message).toBe('The model endpoint answered HTTP 401: Incorrect API key provided: [redacted]. (invalid_api_key)')
  })

  it('a header the upstream-request hook set from such a value is sent trimmed too', async () => {
    mock = await startMockUpstream([{ chunks: ['Hello'] }])
    const client = createModelClient({ ...TEST_CLIENT_OPTIONS, baseUrl: mock.url, maxRetries: 0 })
    const events: ModelEvent[] = []
    await client.consume!({ model: 'mock/model', messages: [{ role: 'user', content: 'Hi' }], headers: { 'HTTP-Referer': 'https://app.example\n', 'X-Title': '\tMy app ' } }, new AbortController().signal, event => events.push(event))
    expect(events[0]).toEqual({ type: 'text-delta', text: 'Hello' })
    expect(mock.requests[0]!.headers).toMatchObject({ 'http-referer': 'https://app.example', 'x-title': 'My app' })
  })
})

describe('describeErrorBody', () => {
  it('reads the common error shapes', () => {
    expect(describeErrorBody('{"error":"Rate limit exceeded"}')).toBe('Rate limit exceeded')
    expect(describeErrorBody('{"detail":"Not Found"}')).toBe('Not Found')
    expect(describeErrorBody('{"object":"error","message":"model not loaded","code":404}')).toBe('model not loaded (404)')
    expect(describeErrorBody('{"error":{"message":"overloaded","code":"overloaded"}}')).toBe('overloaded')
    expect(describeErrorBody('{"unexpected": true}')).toBe('{"unexpected": true}')
    expect(describeErrorBody('  upstream\n connect error  ')).toBe('upstream connect error')
    expect(describeErrorBody('<html><body><h1>Service &#85;navailable</h1><style>h1{}</style></body></html>')).toBe('Service Unavailable (an HTML page)')
    expect(describeErrorBody('')).toBe('')
  })
})

describe('an endless line', () => {
  it('fails the stream once a line outgrows the limit, keeping the text before it', async () => {
    const { createChatCompletionParser } = await import('../../server/lib/model/parse-stream')
    const encoder = new TextEncoder()
    const parser = createChatCompletionParser(1024)
    const events = parser.feed(encoder.encode(`data: ${JSON.stringify({ choices: [{ delta: { content: 'kept' } }] })}\n\ndata: {"choices":[{"delta":{"content":"`))
    expect(events).toEqual([{ type: 'text-delta', text: 'kept' }])
    for (let piece = 0; piece < 3 && !parser.failure; piece++) parser.feed(encoder.encode('x'.repeat(400)))
    expect(parser.failure).toBeInstanceOf(UpstreamProtocolError)
    expect(parser.failure!.message).toBe('The model stream sent a line longer than 1024 bytes without ending it')
  })

  it('fails it as well for a line past the limit that comes whole in one piece, keeping the text before it', async () => {
    const { createChatCompletionParser } = await import('../../server/lib/model/parse-stream')
    const chunk = (content: string) => `data: ${JSON.stringify({ choices: [{ delta: { content } }] })}\n\n`
    const parser = createChatCompletionParser(1024)
    const events = parser.feed(new TextEncoder().encode(chunk('kept') + chunk('x'.repeat(1100)) + chunk('after')))
    expect(events).toEqual([{ type: 'text-delta', text: 'kept' }])
    expect(parser.failure).toBeInstanceOf(UpstreamProtocolError)
    expect(parser.failure!.message).toBe('The model stream sent a line longer than 1024 bytes')
  })
})
