/**
 * A TCP proxy on 127.0.0.1 that pipes each connection to `target` (`scheme://host:port`) and lets a
 * test look at, change or drop what passes: `fromClient` / `fromUpstream` get each chunk and the
 * connection's pair, and return what to forward (null: nothing). Either side's close or error
 * closes both. The Redis proxies of the provider tests are made of it.
 */
import { createConnection, createServer } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'

/** One proxied connection: the client's socket and the one to the target. */
export interface ProxiedPair {
  client: Socket
  upstream: Socket
  /** Closes both sockets. */
  destroy: () => void
}

/** What passes, looked at per chunk (forwarded as it is by default). */
export interface TcpProxyHooks {
  fromClient?: (chunk: Buffer, pair: ProxiedPair) => Buffer | string | null
  fromUpstream?: (chunk: Buffer, pair: ProxiedPair) => Buffer | string | null
}

/** A running proxy: its port, and `close` (every connection with it). */
export interface TcpProxy {
  port: number
  close: () => Promise<void>
}

/** Starts a proxy to `target` on a free 127.0.0.1 port. */
export async function startTcpProxy(target: string, hooks: TcpProxyHooks = {}): Promise<TcpProxy> {
  const { hostname, port } = new URL(target)
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = createConnection(Number(port), hostname)
    sockets.add(client).add(upstream)
    const pair: ProxiedPair = {
      client,
      upstream,
      destroy: () => {
        client.destroy()
        upstream.destroy()
      },
    }
    const forward = (to: Socket, hook: TcpProxyHooks['fromClient']) => (chunk: Buffer) => {
      const passed = hook ? hook(chunk, pair) : chunk
      if (passed !== null && !to.destroyed) to.write(typeof passed === 'string' ? Buffer.from(passed, 'latin1') : passed)
    }
    client.on('data', forward(upstream, hooks.fromClient))
    upstream.on('data', forward(client, hooks.fromUpstream))
    for (const socket of [client, upstream]) {
      socket.on('error', () => {})
      socket.on('close', () => {
        sockets.delete(socket)
        pair.destroy()
      })
    }
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise(resolve => server.close(resolve))
    },
  }
}
