/**
 * The AI SDK transport shows a refused request's whole response body as `chat.error.message`, so
 * the routes it calls (`POST /api/jobs/chat`, `GET /api/jobs/chat/:chatId/stream`) answer an error
 * as its message in plain text — the same status and headers — unless the request asks for JSON
 * (`Accept: application/json`, as `$fetch` sends it), which gets the JSON body of every route.
 * Driven by the SDK's own `Chat` on the stock transport (server/lib/http/text-errors.ts).
 */
import { DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { $fetch, FetchError } from 'ofetch'
import { describe, expect, it, vi } from 'vitest'
import { serveRoutes, useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes()

const NOT_ALLOWED = 'model: "expensive/model" is not allowed here (upstream.allowedModels: openai/gpt-4o-mini)'
const turn = (chatId: string, extra: Record<string, unknown> = {}) => JSON.stringify({ id: chatId, messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'hi' }] }], ...extra })

/** What the route answers `body` with, sent with `accept` (none: as the SDK's transport sends it). */
async function post(base: string, body: string, accept?: string) {
  const response = await fetch(`${base}/api/jobs/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...(accept ? { accept } : {}) }, body })
  return { status: response.status, type: response.headers.get('content-type'), retryAfter: response.headers.get('retry-after'), text: await response.text() }
}

function newChat(id: string) {
  return new Chat<UIMessage>({ id, transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }) })
}

describe('errors of the AI SDK routes as the SDK shows them', () => {
  it('a refused turn: chat.error.message is the server\'s sentence, not the JSON body', async () => {
    const chat = newChat('error-text-turn')
    await chat.sendMessage({ text: 'hi' }, { body: { model: 'expensive/model' } })
    expect(chat.status).toBe('error')
    expect(chat.error).toMatchObject({ statusCode: 400, message: NOT_ALLOWED, responseBody: NOT_ALLOWED })
  })

  it('a refused resume: chat.error.message is the sentence too', async () => {
    const chat = newChat('c'.repeat(201))
    await chat.resumeStream()
    expect(chat.error).toMatchObject({ statusCode: 400, message: 'chatId: must be at most 200 characters (got 201)' })
  })

  it('a client that asks for JSON gets the JSON body ($fetch, axios, problem+json); */* and a refused JSON get text', async () => {
    const body = turn('error-text-json', { model: 'expensive/model' })
    for (const accept of ['application/json', 'application/json, text/plain, */*', 'application/problem+json']) {
      const answer = await post(app.base, body, accept)
      expect([accept, answer.status, answer.type]).toEqual([accept, 400, 'application/json'])
      expect(JSON.parse(answer.text)).toMatchObject({ error: true, statusCode: 400, statusMessage: 'RequestError', message: NOT_ALLOWED })
    }
    for (const accept of [undefined, '*/*', 'text/plain', 'application/json;q=0, text/plain']) {
      expect([accept, await post(app.base, body, accept)]).toEqual([accept, { status: 400, type: 'text/plain; charset=utf-8', retryAfter: null, text: NOT_ALLOWED }])
    }
    const thrown = await $fetch(`${app.base}/api/jobs/chat`, { method: 'POST', body: JSON.parse(body) }).catch((error: unknown) => error)
    expect(thrown).toBeInstanceOf(FetchError)
    expect((thrown as FetchError).data).toMatchObject({ statusMessage: 'RequestError', message: NOT_ALLOWED })
  })

  it('the other routes keep their JSON body for every client', async () => {
    const response = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"messages":[],"model":"expensive/model"}' })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ statusMessage: 'RequestError' })
    const stop = await fetch(`${app.base}/api/jobs/chat/${'c'.repeat(201)}/abort`, { method: 'POST' })
    expect([stop.status, await stop.json()]).toEqual([400, expect.objectContaining({ message: 'chatId: must be at most 200 characters (got 201)' })])
  })

  // Last: a second served app takes the engine over (setBackgroundJobsEngine) until it closes.
  it('a 429 keeps its status and Retry-After, and says the wait in its sentence', async () => {
    const limited = await serveRoutes({ config: { limits: { createPerMinute: 1 } } })
    try {
      // The first turn's stream runs until the job ends (never, here): only its status is read.
      const first = await fetch(`${limited.base}/api/jobs/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: turn('error-text-limit') })
      expect(first.status).toBe(200)
      await first.body?.cancel()
      const refused = await post(limited.base, turn('error-text-limit-2'))
      expect(refused).toMatchObject({ status: 429, type: 'text/plain; charset=utf-8', retryAfter: expect.stringMatching(/^\d+$/) })
      expect(refused.text).toMatch(/limits\.createPerMinute.*; (?:retry|try again) in \d+ s$/)
      expect(refused.text).not.toMatch(/^\{/)
    }
    finally {
      await limited.close()
    }
  })
})
