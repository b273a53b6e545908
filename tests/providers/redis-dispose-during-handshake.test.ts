/**
 * dispose() while the first connection's handshake is still unanswered (a proxy in front of a gone
 * Redis, a hung host): the connection is being given up, yet dispose waited for the handshake's own
 * deadline (`connectTimeoutMs`, 5 s) before it could close anything, its sockets open meanwhile.
 * It ends at once now, dropping both sockets; the boot's `ready()` fails with the shutdown's 503.
 * The deadline's timer is faked and never fires: only the dispose can end the wait.
 */
import type { Socket } from 'node:net'
import { createServer } from 'node:net'
import { afterEach, expect, it, vi } from 'vitest'
import { ShuttingDownError } from '../../server/lib/errors'
import { createRedisProvider } from '../../server/lib/providers/redis'

afterEach(() => {
  vi.useRealTimers()
})

it('returns at once and leaves no socket open', async () => {
  // Accepts every connection, reads it (so it sees the client's close) and never answers a byte.
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.resume()
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  const provider = createRedisProvider({ url: `redis://127.0.0.1:${port}`, healthCheckMs: 0, onError: () => {} })
  let disposed = false
  try {
    const ready = provider.ready().then(() => 'connected', (error: unknown) => error)
    await expect.poll(() => sockets.size, { timeout: 5_000, interval: 10 }).toBe(2)
    void provider.dispose().then(() => {
      disposed = true
    })
    await expect.poll(() => disposed, { interval: 10 }).toBe(true)
    expect(await ready).toBeInstanceOf(ShuttingDownError)
    await expect.poll(() => sockets.size, { timeout: 5_000, interval: 10 }).toBe(0)
  }
  finally {
    vi.useRealTimers()
    for (const socket of sockets) socket.destroy()
    await new Promise(resolve => server.close(resolve))
  }
})
