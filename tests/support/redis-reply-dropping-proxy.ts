/**
 * A TCP proxy on 127.0.0.1 in front of Redis that, once armed, swallows the next reply Redis sends
 * on any connection through it and closes that connection: a command the client wrote whose
 * answer never comes because the connection dropped (a Redis restart, a failover, a reset).
 * `arm(marker)` aims at one command: the next reply on the connection that next sends a command
 * holding `marker` (so other traffic of the instance meanwhile is left alone).
 */
import { startTcpProxy } from './tcp-proxy'
import type { ProxiedPair } from './tcp-proxy'

/** Starts a proxy to the Redis at `target` (`redis://127.0.0.1:<port>`) on a free port. */
export async function startReplyDroppingProxy(target: string) {
  let armed = false
  let marker: string | undefined
  let cuts = 0
  /** Connections that sent the command `marker` aimed at: their next reply is swallowed. */
  const aimed = new WeakSet<ProxiedPair>()
  const proxy = await startTcpProxy(target, {
    fromClient: (chunk, pair) => {
      if (marker !== undefined && chunk.includes(marker)) {
        marker = undefined
        aimed.add(pair)
      }
      return chunk
    },
    fromUpstream: (chunk, pair) => {
      if ((armed && marker === undefined) || aimed.has(pair)) {
        armed = false
        aimed.delete(pair)
        cuts++
        pair.destroy()
        return null
      }
      return chunk
    },
  })
  return {
    url: `redis://127.0.0.1:${proxy.port}`,
    arm: (aimAt?: string) => {
      if (aimAt === undefined) armed = true
      else marker = aimAt
    },
    get cuts() {
      return cuts
    },
    close: proxy.close,
  }
}
