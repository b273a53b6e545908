/**
 * "Are notification streams being cut?" A notification stream has no catch-up of its own: a client
 * that stops reading past `stream.viewerQueueBytes` loses notifications and its stream ends once it
 * drains (it reconnects with its last id and the backlog replays them), and one that takes nothing
 * for a whole heartbeat is cut. Viewers of a job falling behind are counted (`viewer_resyncs_total`);
 * these were not. `notification_streams_cut_total{reason}` counts them: `fell-behind`, `stalled`.
 * The real notifications route over a loopback socket (route-app.ts); the client pauses its socket,
 * and the test writes notifications and heartbeats through the sink the route attached.
 */
import { get } from 'node:http'
import type { ClientRequest, IncomingMessage } from 'node:http'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { SseSink } from '../../server/lib/http/sse-sink'
import { withKnownSeries } from '../../server/lib/metric-known-series'
import { useMetrics } from '../../server/lib/metrics'
import type { NotificationSink } from '../../server/lib/notifications'
import { madeSinks } from '../support/recorded-sinks'
import { serveRoutes } from '../support/route-app'
import type { RouteApp } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

vi.mock('../../server/lib/http/sse-sink', async importOriginal => (await import('../support/recorded-sinks')).recordSseSinks(importOriginal))

let app: RouteApp | null = null
let client: ClientRequest | null = null
let socket: Socket | null = null
afterEach(async () => {
  client?.destroy()
  client = null
  socket?.destroy()
  socket = null
  madeSinks.length = 0
  await app?.close()
  app = null
})

const cuts = () => {
  const counters = withKnownSeries(useMetrics().snapshot()).counters
  return { fellBehind: counters['notification_streams_cut_total{reason="fell-behind"}'], stalled: counters['notification_streams_cut_total{reason="stalled"}'] }
}

const nextTurn = () => new Promise(resolve => setImmediate(resolve))

/**
 * Opens the notification stream with a client that has stopped reading, and writes notifications
 * through the route's notification sink until one is dropped.
 */
async function openStalled(reading: 'paused' | 'never') {
  app = await serveRoutes({ config: { stream: { viewerQueueBytes: 64 * 1024, compression: false } } })
  const engine = app.engine
  const attach = engine.attachNotifications.bind(engine)
  let attached: NotificationSink | null = null
  engine.attachNotifications = (userId, sink, after) => {
    attached = sink
    return attach(userId, sink, after)
  }
  let response: IncomingMessage | null = null
  if (reading === 'paused') {
    // A client that read the headers, then stopped (it will read again).
    response = await new Promise<IncomingMessage>((resolve) => {
      client = get(`${app!.base}/api/jobs/notifications`, { headers: { accept: 'text/event-stream' } }, resolve)
    })
    expect(response.statusCode).toBe(200)
    response.pause()
  }
  else {
    // A client that vanished (a lost network): the request sent, not one byte read.
    const { port } = new URL(app.base)
    socket = connect(Number(port), '127.0.0.1', () => socket!.write('GET /api/jobs/notifications HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n'))
    socket.pause()
  }
  await vi.waitFor(() => expect(attached).not.toBeNull())
  const [stream] = madeSinks as [SseSink]
  let closed = false
  void stream.closed.then(() => {
    closed = true
  })
  // Incompressible notifications of a few KiB: the kernel's buffers and the 64 KiB queue fill.
  const filler = Array.from({ length: 2_048 }, (_, index) => (index * 7_919 % 65_521).toString(36)).join('')
  let id = 0
  const notify = () => attached!.send({ type: 'job-end', id: ++id, jobId: `j${id}`, threadId: null, status: 'completed', title: filler } as never)
  if (reading === 'paused') {
    for (let index = 0; index < 20_000 && stream.dropped === 0; index++) notify()
  }
  else {
    // A few at a turn, as they come: each turn's go to the kernel, until its buffers are full for
    // good and the queue past them fills (a burst would be queued whole first, then drained).
    for (let turn = 0; turn < 20_000 && stream.dropped === 0; turn++) {
      for (let index = 0; index < 8; index++) notify()
      await nextTurn()
    }
  }
  expect(stream.dropped).toBeGreaterThan(0)
  return { response: response!, stream, notify, sink: attached! as NotificationSink, closed: () => closed }
}

describe('notification_streams_cut_total', () => {
  it('is exported from the start at 0 for each reason', () => {
    useMetrics().reset()
    expect(cuts()).toEqual({ fellBehind: 0, stalled: 0 })
  })

  it('counts a stream ended once its client drained after notifications were dropped (fell-behind)', async () => {
    useMetrics().reset()
    const { response, notify, closed } = await openStalled('paused')
    expect(cuts()).toEqual({ fellBehind: 0, stalled: 0 })
    response.on('data', () => {})
    response.resume()
    // The client drains: the stream ends (at the drain), counted once.
    for (let turn = 0; turn < 10_000 && !closed(); turn++) {
      notify()
      await nextTurn()
    }
    expect(closed()).toBe(true)
    expect(cuts()).toEqual({ fellBehind: 1, stalled: 0 })
  })

  it('counts a stream cut because its client took nothing for a whole heartbeat (stalled)', async () => {
    useMetrics().reset()
    const { stream, notify, sink, closed } = await openStalled('never')
    // Heartbeats while notifications keep coming: the heartbeat after one that found it stalled cuts it.
    for (let beat = 0; beat < 5_000 && !closed(); beat++) {
      const before = stream.dropped
      for (let index = 0; index < 4_000 && stream.dropped === before; index++) notify()
      sink.comment('ping')
      await nextTurn()
    }
    expect(closed()).toBe(true)
    expect(cuts()).toEqual({ fellBehind: 0, stalled: 1 })
  })
})
