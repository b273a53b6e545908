/**
 * The chat Stop's requests outside Nuxt (app/lib/chat-route-request.ts: React's `useChatStop`
 * sends its abort and messages requests with it): JSON over `fetch`, with the transport's
 * `headers` and `credentials`, answered as `$fetch` answers — the body, or a
 * `BackgroundJobsApiError` with the status and the server's own message for a refusal.
 */
import { describe, expect, it, vi } from 'vitest'
import { BackgroundJobsApiError } from '../../app/lib/api-error'
import { createChatRouteRequest } from '../../app/lib/chat-route-request'

describe('createChatRouteRequest()', () => {
  it('posts the abort\'s body as JSON with the given headers and reads the answer', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ jobs: [] }), { headers: { 'content-type': 'application/json' } }))
    const request = createChatRouteRequest({ fetch, headers: { authorization: 'Bearer t' }, credentials: 'include' })
    await expect(request('/api/jobs/chat/c1/abort', { method: 'POST', body: { messageId: 'u1' } })).resolves.toEqual({ jobs: [] })
    expect(fetch).toHaveBeenCalledWith('/api/jobs/chat/c1/abort', {
      method: 'POST',
      headers: { 'accept': 'application/json', 'content-type': 'application/json', 'authorization': 'Bearer t' },
      credentials: 'include',
      body: '{"messageId":"u1"}',
    })
  })

  it('reads the messages route with a GET and no body, same-origin credentials by default', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ messages: [] })))
    await expect(createChatRouteRequest({ fetch })('/api/jobs/chat/c1/messages')).resolves.toEqual({ messages: [] })
    expect(fetch).toHaveBeenCalledWith('/api/jobs/chat/c1/messages', { method: 'GET', headers: { accept: 'application/json' }, credentials: 'same-origin' })
  })

  it('rejects a refusal with the status and the server\'s message, and a proxy\'s page with the status', async () => {
    const refused = createChatRouteRequest({ fetch: async () => new Response(JSON.stringify({ statusCode: 400, message: 'messageId: must not be empty' }), { status: 400 }) })
    const failure = await refused('/api/jobs/chat/c1/abort', { method: 'POST' }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(BackgroundJobsApiError)
    expect(failure).toMatchObject({ status: 400, message: 'messageId: must not be empty' })
    const proxied = createChatRouteRequest({ fetch: async () => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }) })
    await expect(proxied('/api/jobs/chat/c1/abort', { method: 'POST' })).rejects.toMatchObject({ status: 502, message: '[POST] "/api/jobs/chat/c1/abort": 502 Bad Gateway' })
  })

  it('lets a request that got no answer reject with the fetch\'s own error', async () => {
    const failure = new TypeError('Failed to fetch')
    await expect(createChatRouteRequest({ fetch: () => Promise.reject(failure) })('/api/jobs/chat/c1/messages')).rejects.toBe(failure)
  })
})
