/**
 * A UI message stream whose job cannot be read once its `start` chunk is out: the error travels
 * inside the stream, named as a route names it — the layer's own errors by their message, anything
 * unexpected as "Internal error" (logged), never the driver's text.
 */
import { createServer, get } from 'node:http'
import type { IncomingMessage, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createJobState } from '../../shared/reducer'
import { JobNotFoundError } from '../../server/lib/errors'
import type { JobsRouteContext } from '../../server/lib/http/handler'
import { routeLogger } from '../../server/lib/http/route-logger'
import { serveUiStream } from '../../server/lib/http/ui-stream'

let server: Server | null = null

afterEach(async () => {
  vi.restoreAllMocks()
  server?.closeAllConnections()
  await new Promise<void>(resolve => (server ? server.close(() => resolve()) : resolve()))
  server = null
})

/** The body of a UI stream whose engine fails to attach with `error`. */
async function bodyWhenAttachFails(error: unknown): Promise<string> {
  server = createServer((request, response) => {
    const context = {
      event: { node: { req: request, res: response }, method: 'GET', path: '/api/jobs/chat/chat-1/stream?token=abc' },
      engine: { attachViewer: () => Promise.reject(error) },
      userId: 'user',
      config: { stream: { compression: false, viewerQueueBytes: 1_000_000 } },
    } as unknown as JobsRouteContext
    void serveUiStream(context, 'job', createJobState({ id: 'job', type: 'chat', createdAt: 0 }))
  })
  await new Promise<void>(resolve => server!.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const response = await new Promise<IncomingMessage>(resolve => get({ host: '127.0.0.1', port, path: '/' }, resolve))
  let body = ''
  response.setEncoding('utf8')
  for await (const part of response) body += part
  return body
}

const chunks = (body: string) => body.split('\n\n').filter(Boolean)

describe('UI message stream: an attach that fails', () => {
  it('a layer error keeps its message', async () => {
    expect(chunks(await bodyWhenAttachFails(new JobNotFoundError('job')))).toEqual([
      'data: {"type":"start","messageId":"job"}',
      `data: ${JSON.stringify({ type: 'error', errorText: new JobNotFoundError('job').message })}`,
      'data: [DONE]',
    ])
  })

  it('an unexpected error is "Internal error" in the stream and logged, never its own text', async () => {
    const logged = vi.spyOn(routeLogger, 'error').mockImplementation(() => {})
    const body = await bodyWhenAttachFails(new Error('connect ECONNREFUSED 10.0.0.7:6379'))
    expect(chunks(body)).toEqual(['data: {"type":"start","messageId":"job"}', 'data: {"type":"error","errorText":"Internal error"}', 'data: [DONE]'])
    expect(logged).toHaveBeenCalledTimes(1)
  })

  it('the unexpected error\'s line names the request as a route\'s 500 does: method and path, without its query', async () => {
    const logged = vi.spyOn(routeLogger, 'error').mockImplementation(() => {})
    const error = new TypeError('Cannot read properties of undefined (reading \'seq\')')
    await bodyWhenAttachFails(error)
    expect(logged.mock.calls).toEqual([['unexpected error', { method: 'GET', path: '/api/jobs/chat/chat-1/stream', error }]])
  })
})
