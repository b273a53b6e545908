/**
 * A TCP proxy in front of an app for browser tests of bad networks. `silenceStreams()` turns the
 * connections of the job streams open now into dead ones that never say so — nothing more is
 * forwarded either way and the server's close is not passed on — as a laptop that slept or a phone
 * that changed networks leaves them (a half-open connection). `cutStreams()` resets them, as a
 * dropped network does. Other connections, and new ones, are left alone. `dropNetwork()` resets
 * every connection, and every new one until `restoreNetwork()`: a network that is gone, which the
 * test brings back before it tells the page so (rather than the browser's offline emulation, whose
 * `online` event may reach the page before its requests can pass again).
 */
import { createConnection, createServer } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'

/** A running proxy. */
export interface NetworkFaultProxy {
  url: string
  /** Makes the job-stream connections open now silent for good (half-open). */
  silenceStreams: () => void
  /** Resets the job-stream connections open now. */
  cutStreams: () => void
  /** Resets every connection open now, and every new one until `restoreNetwork()`. */
  dropNetwork: () => void
  /** New connections are proxied again. */
  restoreNetwork: () => void
  close: () => Promise<void>
}

interface Pair {
  client: Socket
  upstream: Socket
  /** The request on it asked for a job's stream (`GET /api/jobs/:id/stream`). */
  stream: boolean
  silent: boolean
}

const STREAM_REQUEST = /^GET \/api\/jobs\/[^/\s]+\/stream[\s?]/

/** Starts a proxy to `target` (`http://127.0.0.1:<port>`) on a free 127.0.0.1 port. */
export async function startNetworkFaultProxy(target: string): Promise<NetworkFaultProxy> {
  const { hostname, port } = new URL(target)
  const pairs = new Set<Pair>()
  let networkDown = false
  const server = createServer((client) => {
    if (networkDown) {
      client.resetAndDestroy()
      return
    }
    const upstream = createConnection(Number(port), hostname)
    const pair: Pair = { client, upstream, stream: false, silent: false }
    pairs.add(pair)
    client.on('data', (chunk: Buffer) => {
      if (STREAM_REQUEST.test(chunk.toString('latin1', 0, 200))) pair.stream = true
      if (!pair.silent) upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => {
      if (!pair.silent) client.write(chunk)
    })
    const end = () => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('close', end)
    client.on('error', end)
    // A silent connection's client never learns that the server closed it.
    upstream.on('close', () => pair.silent ? upstream.destroy() : end())
    upstream.on('error', () => pair.silent ? upstream.destroy() : end())
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const streams = () => [...pairs].filter(pair => pair.stream)
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    silenceStreams: () => {
      for (const pair of streams()) pair.silent = true
    },
    cutStreams: () => {
      for (const pair of streams()) {
        pair.client.resetAndDestroy()
        pair.upstream.destroy()
      }
    },
    dropNetwork: () => {
      networkDown = true
      for (const pair of pairs) {
        pair.client.resetAndDestroy()
        pair.upstream.destroy()
      }
    },
    restoreNetwork: () => {
      networkDown = false
    },
    close: () => new Promise((resolve) => {
      for (const pair of pairs) {
        pair.client.destroy()
        pair.upstream.destroy()
      }
      server.close(() => resolve())
    }),
  }
}
