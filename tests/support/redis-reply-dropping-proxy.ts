/**
 * A TCP proxy on 127.0.0.1 in front of Redis that, once armed, swallows the next reply Redis sends
 * on any connection through it and closes that connection: a command the client wrote whose
 * answer never comes because the connection dropped (a Redis restart, a failover, a reset).
 * `arm(marker)` aims at one command: the next reply on the connection that next sends a command
 * holding `marker` (so other traffic of the instance meanwhile is left alone).
 */
import { createConnection, createServer } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'

/** Starts a proxy to the Redis at `target` (`redis://127.0.0.1:<port>`) on a free port. */
export async function startReplyDroppingProxy(target: string) {
  const { hostname, port } = new URL(target)
  let armed = false
  let marker: string | undefined
  let cuts = 0
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = createConnection(Number(port), hostname)
    sockets.add(client).add(upstream)
    let aimed = false
    client.on('data', (chunk: Buffer) => {
      if (marker !== undefined && chunk.includes(marker)) {
        marker = undefined
        aimed = true
      }
      upstream.write(chunk)
    })
    upstream.on('data', (chunk) => {
      if ((armed && marker === undefined) || aimed) {
        armed = false
        aimed = false
        cuts++
        client.destroy()
        upstream.destroy()
        return
      }
      client.write(chunk)
    })
    for (const socket of [client, upstream]) {
      socket.on('error', () => {})
      socket.on('close', () => {
        client.destroy()
        upstream.destroy()
      })
    }
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arm: (aimAt?: string) => {
      if (aimAt === undefined) armed = true
      else marker = aimAt
    },
    get cuts() {
      return cuts
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise(resolve => server.close(resolve))
    },
  }
}
