/**
 * A UI message stream sink over a real loopback socket, read back by the AI SDK: the test builds
 * the sink for the one response, the client side gets the raw body.
 */
import { createServer, get } from 'node:http'
import type { IncomingMessage, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { DefaultChatTransport, readUIMessageStream } from 'ai'
import type { UIMessage } from 'ai'
import { createJobState } from '../../shared/reducer'
import { createUiChunkMapper } from '../../server/lib/ai-sdk/chunk-mapper'
import type { UiChunkMapper } from '../../server/lib/ai-sdk/chunk-mapper'
import type { UiStreamSink, UiStreamSinkOptions } from '../../server/lib/http/ui-stream-sink'
import { createUiStreamSink } from '../../server/lib/http/ui-stream-sink'

/** Loopback servers, one per response; `close` closes all a test opened (run it after each test). */
export function createLoopback() {
  const servers: Server[] = []
  return {
    /** Serves one response through a sink of a mapper for job `job` that knows nothing yet (`options`, or made from the mapper); returns the raw client response. */
    async open(handle: (sink: UiStreamSink) => void, options: Partial<UiStreamSinkOptions> | ((mapper: UiChunkMapper) => Partial<UiStreamSinkOptions>) = {}): Promise<IncomingMessage> {
      const server = createServer((request, response) => {
        const mapper = createUiChunkMapper({ messageId: 'job', known: createJobState({ id: 'job', type: 'chat', createdAt: 0 }) })
        handle(createUiStreamSink(request, response, mapper, { compression: false, maxQueueBytes: 1_000_000, ...(typeof options === 'function' ? options(mapper) : options) }))
      })
      servers.push(server)
      await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
      const { port } = server.address() as AddressInfo
      return await new Promise<IncomingMessage>(resolve => get({ host: '127.0.0.1', port, path: '/' }, resolve))
    },
    async close(): Promise<void> {
      await Promise.all(servers.splice(0).map((server) => {
        server.closeAllConnections()
        return new Promise<void>(resolve => server.close(() => resolve()))
      }))
    },
  }
}

/** Reads the whole body; `cut` when the server cut the connection. */
export function readAll(response: IncomingMessage): Promise<{ body: string, cut: boolean }> {
  return new Promise((resolve) => {
    let body = ''
    response.setEncoding('utf8')
    response.on('data', (part: string) => (body += part))
    response.on('end', () => resolve({ body, cut: false }))
    response.on('error', () => resolve({ body, cut: true }))
    response.on('aborted', () => resolve({ body, cut: true }))
  })
}

/** The message the SDK builds from a body (through its transport's schema). */
export async function sdkMessage(body: string): Promise<UIMessage> {
  const transport = new DefaultChatTransport<UIMessage>({ fetch: async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } }) })
  let last: UIMessage | undefined
  for await (const message of readUIMessageStream<UIMessage>({ stream: (await transport.reconnectToStream({ chatId: 'c' }))! })) last = message
  return last!
}
