/**
 * A small load balancer for tests: each request goes to the next backend in turn; a backend that
 * refuses the connection (it was just killed) is skipped and the next one tried. Responses, SSE
 * included, are piped through as they arrive; when a backend dies mid-response the client's
 * connection is cut, as a real balancer would.
 */
import { createServer, request as httpRequest } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { keepingIdleConnections } from './idle-connections'

/** A running proxy. */
export interface RoundRobinProxy {
  url: string
  close: () => Promise<void>
}

/** Starts a proxy in front of the backends `backends()` returns (read per request: instances come and go). */
export async function startRoundRobinProxy(backends: () => string[]): Promise<RoundRobinProxy> {
  let next = 0
  const sockets = new Set<Socket>()

  function forward(request: IncomingMessage, body: Buffer, response: ServerResponse, attemptsLeft: number) {
    const targets = backends()
    const target = new URL(targets[next++ % targets.length]!)
    const upstream = httpRequest({ host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(response)
      answer.once('error', () => response.destroy())
      answer.once('aborted', () => response.destroy())
    })
    upstream.once('error', () => {
      if (response.headersSent) response.destroy()
      else if (attemptsLeft > 0) forward(request, body, response, attemptsLeft - 1)
      else response.writeHead(502).end()
    })
    response.once('close', () => upstream.destroy())
    upstream.end(body)
  }

  const server = keepingIdleConnections(createServer((request, response) => {
    const parts: Buffer[] = []
    request.on('data', (part: Buffer) => parts.push(part))
    request.once('end', () => forward(request, Buffer.concat(parts), response, backends().length * 2))
  }))
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy()
      server.close(() => resolve())
    }),
  }
}
