/**
 * A TCP proxy on 127.0.0.1 standing for a Redis endpoint whose address moves to another server at
 * a failover (a DNS name or a virtual IP that a managed Redis or Sentinel moves to the new
 * primary): `retarget(url)` sends new connections to another Redis, while connections open now
 * stay with the one they reached — as a client's sockets stay with the old primary, now a replica.
 */
import { createConnection, createServer } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'

/** A running proxy. */
export interface RedisFailoverProxy {
  /** `redis://127.0.0.1:<port>` of the proxy. */
  url: string
  /** New connections go to this Redis from now on (`redis://127.0.0.1:<port>`). */
  retarget: (url: string) => void
  close: () => Promise<void>
}

/** Starts a proxy to the Redis at `target`. */
export async function startRedisFailoverProxy(target: string): Promise<RedisFailoverProxy> {
  let current = new URL(target)
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const redis = createConnection(Number(current.port), current.hostname)
    client.pipe(redis)
    redis.pipe(client)
    sockets.add(client).add(redis)
    const end = () => {
      sockets.delete(client)
      sockets.delete(redis)
      client.destroy()
      redis.destroy()
    }
    for (const socket of [client, redis]) {
      socket.on('close', end)
      socket.on('error', end)
    }
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    retarget: (url) => {
      current = new URL(url)
    },
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy()
      server.close(() => resolve())
    }),
  }
}
