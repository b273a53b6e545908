/**
 * "Are job streams and chat streams being cut?" A job viewer (GET /api/jobs/:id/stream) or an AI
 * SDK chat stream (POST /api/jobs/chat, GET /api/jobs/chat/:chatId/stream) whose client took
 * nothing for a whole heartbeat is cut, as a notification stream is; those were counted
 * (`notification_streams_cut_total`), these were not. `streams_cut_total{stream,reason}` counts
 * them, and a chat stream closed while its client still missed frames (cut, so the SDK resumes
 * rather than take a partial answer as complete) as `fell-behind`. The real routes over a loopback socket (route-app.ts); the client sends its request and
 * never reads, and the test writes heartbeats through the sink the route made until it is cut.
 */
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { withKnownSeries } from '../../server/lib/metric-known-series'
import { useMetrics } from '../../server/lib/metrics'
import type { UiStreamSink } from '../../server/lib/http/ui-stream-sink'
import { madeSinks } from '../support/recorded-sinks'
import { serveRoutes } from '../support/route-app'
import type { RouteApp } from '../support/route-app'
import { textMessage } from '../support/superseded-answers'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

vi.mock('../../server/lib/http/sse-sink', async importOriginal => (await import('../support/recorded-sinks')).recordSseSinks(importOriginal))
vi.mock('../../server/lib/http/ui-stream-sink', async importOriginal => (await import('../support/recorded-sinks')).recordUiStreamSinks(importOriginal))

let app: RouteApp | null = null
let socket: Socket | null = null
afterEach(async () => {
  socket?.destroy()
  socket = null
  madeSinks.length = 0
  await app?.close()
  app = null
})

const cuts = () => {
  const counters = withKnownSeries(useMetrics().snapshot()).counters
  return Object.fromEntries(['job', 'ai-sdk'].flatMap(stream => ['fell-behind', 'stalled'].map(reason => [`${stream} ${reason}`, counters[`streams_cut_total{reason="${reason}",stream="${stream}"}`]])))
}

/** A few KiB of incompressible text. */
const filler = Array.from({ length: 2_048 }, (_, index) => (index * 7_919 % 65_521).toString(36)).join('')

const nextTurn = () => new Promise(resolve => setImmediate(resolve))

/** Sends the request on a socket that never reads (a client gone without a FIN), and returns the sink the route made. */
async function openVanished(requestFor: (served: RouteApp) => Promise<string>) {
  app = await serveRoutes({ config: { stream: { viewerQueueBytes: 64 * 1024, compression: false } } })
  const request = await requestFor(app)
  const { port } = new URL(app.base)
  socket = connect(Number(port), '127.0.0.1', () => socket!.write(request))
  socket.pause()
  await vi.waitFor(() => expect(madeSinks).toHaveLength(1))
  return madeSinks[0]!
}

/** The AI SDK's post of a new message to chat `id`, as raw HTTP. */
function chatPost(id: string): string {
  const body = JSON.stringify({ id, messages: [textMessage('u-1', 'user', 'Hi')], trigger: 'submit-message' })
  return `POST /api/jobs/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
}

/**
 * Heartbeats of a few KiB of incompressible text, one a turn, until the sink is cut: the kernel's
 * buffers and the queue fill, the heartbeat after one that found it stalled cuts it.
 */
async function beatUntilCut(sink: (typeof madeSinks)[number]) {
  let closed = false
  void sink.closed.then(() => {
    closed = true
  })
  for (let beat = 0; beat < 20_000 && !closed; beat++) {
    sink.comment(filler)
    await nextTurn()
  }
  expect(closed).toBe(true)
}

const none = { 'job fell-behind': 0, 'job stalled': 0, 'ai-sdk fell-behind': 0, 'ai-sdk stalled': 0 }

describe('streams_cut_total', () => {
  it('is exported from the start at 0 for each stream and reason', () => {
    useMetrics().reset()
    expect(cuts()).toEqual(none)
  })

  it('counts a job stream cut because its client took nothing for a whole heartbeat', async () => {
    useMetrics().reset()
    const sink = await openVanished(async (served) => {
      // A running job of user-1 (the runners wait until aborted).
      const { job } = await served.engine.createJob('user-1', { request: { type: 'chat', messages: [{ role: 'user', content: 'Hi' }] } })
      return `GET /api/jobs/${job.id}/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`
    })
    await beatUntilCut(sink)
    expect(cuts()).toEqual({ ...none, 'job stalled': 1 })
  })

  it('counts an AI SDK chat stream cut because its client took nothing for a whole heartbeat', async () => {
    useMetrics().reset()
    const sink = await openVanished(async () => chatPost('chat-1'))
    await beatUntilCut(sink)
    expect(cuts()).toEqual({ ...none, 'ai-sdk stalled': 1 })
  })

  it('counts an AI SDK chat stream cut because it was closed with frames its client missed', async () => {
    useMetrics().reset()
    const sink = await openVanished(async () => chatPost('chat-2'))
    let closed = false
    void sink.closed.then(() => {
      closed = true
    })
    // Heartbeats until the client is behind (the kernel's buffers and the queue full), then a frame it misses.
    for (let beat = 0; beat < 20_000 && !(sink as UiStreamSink).dropped; beat++) {
      if (beat % 2 === 0) sink.comment(filler)
      else sink.send({ event: 'delta', id: 1_000 + beat, data: { type: 'delta', text: 'x' } } as never)
      await nextTurn()
    }
    expect((sink as UiStreamSink).dropped).toBeGreaterThan(0)
    expect(cuts()).toEqual(none)
    // The engine closes it (the job ended) before the client drained: cut, not ended.
    sink.close()
    await nextTurn()
    expect(closed).toBe(true)
    expect(cuts()).toEqual({ ...none, 'ai-sdk fell-behind': 1 })
  })
})
