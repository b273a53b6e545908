/**
 * A TCP proxy on 127.0.0.1 between one app instance and Redis that can cut that instance off:
 * `partition()` stops forwarding both ways (bytes wait in the proxy, as packets wait for TCP
 * retransmission on a real network) and `heal()` delivers what waited and forwards again. Neither
 * side sees a close or a reset: the instance keeps running, reachable by its clients, with its
 * Redis connections hanging. Connections opened during the partition wait too. `blackhole()` kills
 * the connections open now without a word (a half-open connection: the peer vanished, a NAT or load
 * balancer forgot the flow): their bytes are dropped both ways for good, neither side sees a close,
 * and connections opened afterwards work.
 */
import { createConnection, createServer } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'

/** A running proxy. */
export interface RedisPartitionProxy {
  /** `redis://127.0.0.1:<port>` of the proxy. */
  url: string
  partition: () => void
  heal: () => void
  /** The connections open now go silent for good (bytes dropped both ways, no close); new ones work. */
  blackhole: () => void
  /** Closes every connection through the proxy (the clients reconnect; the proxy keeps listening). */
  drop: () => void
  /**
   * While on, connections opened are accepted and then silent for good (bytes dropped both ways):
   * a client connecting then never finishes its handshake. Connections opened after it is off work.
   */
  blackholeNew: (on: boolean) => void
  /** Connections the proxy accepted so far. */
  readonly accepted: number
  /** Connections from the clients that are open now (closed by neither side yet). */
  readonly open: number
  close: () => Promise<void>
}

interface Link {
  from: Socket
  to: Socket
  waiting: Buffer[]
  /** Blackholed: what arrives is dropped. */
  dead?: boolean
}

/** Starts a proxy to the Redis at `target` (`redis://127.0.0.1:<port>`), on `port` (default: a free one). */
export async function startRedisPartitionProxy(target: string, port = 0): Promise<RedisPartitionProxy> {
  const { hostname, port: targetPort } = new URL(target)
  const links = new Set<Link>()
  const sockets = new Set<Socket>()
  const clients = new Set<Socket>()
  let cut = false
  let swallowNew = false
  let accepted = 0
  const forward = (link: Link) => link.from.on('data', (chunk: Buffer) => {
    if (link.dead) return
    if (cut) link.waiting.push(chunk)
    else link.to.write(chunk)
  })
  const drop = () => {
    for (const socket of sockets) socket.destroy()
  }
  const server = createServer((client) => {
    accepted++
    const redis = createConnection(Number(targetPort), hostname)
    const pair = [{ from: client, to: redis, waiting: [], dead: swallowNew }, { from: redis, to: client, waiting: [], dead: swallowNew }] as Link[]
    for (const link of pair) {
      links.add(link)
      forward(link)
    }
    sockets.add(client).add(redis)
    clients.add(client)
    const end = () => {
      for (const link of pair) links.delete(link)
      clients.delete(client)
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
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve))
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    partition: () => {
      cut = true
    },
    blackhole: () => {
      for (const link of links) {
        link.dead = true
        link.waiting.length = 0
      }
    },
    heal: () => {
      cut = false
      for (const link of links) {
        for (const chunk of link.waiting.splice(0)) link.to.write(chunk)
      }
    },
    get accepted() {
      return accepted
    },
    get open() {
      return clients.size
    },
    drop,
    blackholeNew: (on) => {
      swallowNew = on
    },
    close: () => new Promise((resolve) => {
      drop()
      server.close(() => resolve())
    }),
  }
}
