/**
 * What a balancer or a readiness probe sees of a built app (Nitro's node-server preset) from its
 * SIGTERM on: Nitro's graceful shutdown closes the listener and every idle keep-alive connection
 * at the signal, so a new request — a probe's `GET /api/jobs/health` — gets a refused connection,
 * not the `503 { status: 'draining' }`, while the process is still alive and draining. That 503 is
 * what a request already on an open connection gets (here a job creation whose body was still
 * being sent). Docs: restarts-and-upgrades.md (Graceful shutdown), reverse-proxy.md (Health checks).
 */
import { once } from 'node:events'
import { connect } from 'node:net'
import { expect, it } from 'vitest'
import { startAppServer } from '../support/app-server'

it('from SIGTERM on, a new connection is refused while the process drains; a request already on its way gets the 503', async () => {
  const server = await startAppServer()
  try {
    const { port } = new URL(server.url)
    // A job creation whose body is still on its way: the server has its response open.
    const body = JSON.stringify({ messages: [{ role: 'user', content: 'hello' }] })
    const held = connect(Number(port), '127.0.0.1')
    await once(held, 'connect')
    let reply = ''
    held.on('data', (chunk: Buffer) => {
      reply += chunk.toString('utf8')
    })
    held.write(`POST /api/jobs HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 5)}`)
    expect((await fetch(`${server.url}/api/jobs/health`)).status).toBe(200)

    server.process.kill('SIGTERM')
    // A probe's new connection is refused, however often it asks, while the process is alive.
    let refused = false
    for (let attempt = 0; attempt < 200 && !refused; attempt++) {
      refused = await fetch(`${server.url}/api/jobs/health`).then(async (response) => {
        await response.body?.cancel()
        return false
      }, (error: { cause?: { code?: string } }) => error.cause?.code === 'ECONNREFUSED')
    }
    expect(refused).toBe(true)
    expect(server.process.exitCode).toBeNull()
    expect(server.process.signalCode).toBeNull()

    // The request in flight is answered: the shutdown's 503, the connection closed after it.
    const closed = once(held, 'close')
    held.write(body.slice(5))
    await closed
    expect(reply).toMatch(/^HTTP\/1\.1 503 /)
    expect(reply).toMatch(/\r\nretry-after: 5\r\n/i)
    expect(reply).toMatch(/\r\nconnection: close\r\n/i)
  }
  finally {
    await server.stop()
  }
})
