/**
 * A lean SSE viewer over node:http (no fetch, so thousands of them stay cheap): counts frames
 * and bytes, and for every `[t=…]` stamp in a live text frame records the delivery latency. It
 * decodes gzip when it asked for it, and counts the bytes read from the socket (on the wire).
 */
import { request } from 'node:http'
import type { IncomingMessage } from 'node:http'
import { createGunzip } from 'node:zlib'
import { absoluteNowMs, STAMP_PATTERN } from './pacer.ts'

/** Options of one viewer. */
export interface ViewerOptions {
  headers?: Record<string, string>
  gzip?: boolean
  /** Where latencies (ms) of stamps in live text frames go; shared by all viewers of a run. */
  latencies?: number[]
  /** With `latencies`: each latency's stamp (its send time, absolute ms), at the same index (BENCH_VERBOSE). */
  stampTimes?: number[]
  /** Keep frame texts (for comparisons in small runs). */
  keepFrames?: boolean
}

/** One open viewer. */
export interface SseViewer {
  status: number
  headers: IncomingMessage['headers']
  /** Frames by event name. */
  counts: Record<string, number>
  /** Receive times (performance.now) of text frames. */
  textFrameTimesMs: number[]
  /** Stamps seen in live text frames. */
  stamps: number
  /** Stamps not greater than the one before (a piece delivered twice, or out of order). */
  repeatedStamps: number
  frames: string[]
  /** Decoded body bytes since `resetBytes()`. */
  bodyBytes: number
  /** Socket bytes read (wire, headers included). */
  wireBytes: () => number
  firstByteAtMs: number
  firstFrameAtMs: number
  /** Settles when the server ends the stream (or the socket errors: `error` is set). */
  ended: Promise<void>
  error: Error | null
  resetBytes: () => void
  close: () => void
}

/** Opens an SSE stream; resolves when the response headers arrived. */
export function openViewer(url: string, options: ViewerOptions = {}): Promise<SseViewer> {
  return new Promise((resolve, reject) => {
    const startedAtMs = performance.now()
    const outgoing = request(url, {
      agent: false,
      headers: { 'accept': 'text/event-stream', ...(options.gzip ? { 'accept-encoding': 'gzip' } : {}), ...options.headers },
    })
    outgoing.on('error', reject)
    outgoing.on('response', (response) => {
      let buffer = ''
      let lastStampMs = 0
      let resolveEnded!: () => void
      const viewer: SseViewer = {
        status: response.statusCode ?? 0,
        headers: response.headers,
        counts: {},
        textFrameTimesMs: [],
        stamps: 0,
        repeatedStamps: 0,
        frames: [],
        bodyBytes: 0,
        wireBytes: () => 0,
        firstByteAtMs: Number.NaN,
        firstFrameAtMs: Number.NaN,
        ended: new Promise<void>((resolveEnd) => { resolveEnded = resolveEnd }),
        error: null,
        resetBytes: () => { viewer.bodyBytes = 0 },
        close: () => outgoing.destroy(),
      }
      // The socket object keeps its count after it closes; hold on to it (response.socket is cleared).
      const socket = response.socket
      viewer.wireBytes = () => socket.bytesRead

      function onFrame(frame: string, atMs: number) {
        const eventLine = /^event: (.*)$/m.exec(frame)
        const event = eventLine?.[1] ?? (frame.startsWith(':') ? 'comment' : frame.startsWith('retry:') ? 'retry' : 'message')
        viewer.counts[event] = (viewer.counts[event] ?? 0) + 1
        if (event !== 'retry' && event !== 'comment' && Number.isNaN(viewer.firstFrameAtMs)) viewer.firstFrameAtMs = atMs - startedAtMs
        if (options.keepFrames) viewer.frames.push(frame)
        // The bare relay sends its text as unnamed (`message`) events.
        if (event !== 'text-delta' && event !== 'message') return
        viewer.textFrameTimesMs.push(atMs)
        const nowMs = absoluteNowMs()
        for (const match of frame.matchAll(STAMP_PATTERN)) {
          const stampMs = Number(match[1])
          viewer.stamps++
          if (stampMs <= lastStampMs) viewer.repeatedStamps++
          lastStampMs = stampMs
          options.latencies?.push(nowMs - stampMs)
          options.stampTimes?.push(stampMs)
        }
      }

      const body = options.gzip && response.headers['content-encoding'] === 'gzip' ? response.pipe(createGunzip()) : response
      body.setEncoding('utf8')
      body.on('data', (text: string) => {
        const atMs = performance.now()
        if (Number.isNaN(viewer.firstByteAtMs)) viewer.firstByteAtMs = atMs - startedAtMs
        viewer.bodyBytes += Buffer.byteLength(text)
        buffer += text
        let end = buffer.indexOf('\n\n')
        while (end !== -1) {
          onFrame(buffer.slice(0, end), atMs)
          buffer = buffer.slice(end + 2)
          end = buffer.indexOf('\n\n')
        }
      })
      body.on('end', () => resolveEnded())
      body.on('error', (error: Error) => {
        viewer.error = error
        resolveEnded()
      })
      response.on('error', (error: Error) => {
        viewer.error = error
        resolveEnded()
      })
      // A plain body ends with its response. A gunzip body may still hold the last decoded frames
      // when the response closes: it settles on its own 'end' (or, when the response was cut short,
      // once destroyed) — settling on the response's close lost the tail under load.
      if (body === response) response.on('close', () => resolveEnded())
      else {
        response.on('close', () => {
          if (!response.complete) body.destroy()
        })
        body.on('close', () => resolveEnded())
      }
      resolve(viewer)
    })
    outgoing.end()
  })
}

/** Runs `task` over `items` with at most `limit` in flight (bounded fan-in of setup calls). */
export async function mapLimit<T, R>(items: T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  async function worker() {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index]!, index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

/** A user of the app: its anonymous cookie and JSON calls. */
export async function createUser(baseUrl: string) {
  const first = await fetch(`${baseUrl}/api/jobs`)
  const cookie = (first.headers.getSetCookie().find(line => line.startsWith('bgjobs_uid=')) ?? '').split(';')[0]!
  await first.arrayBuffer()
  return {
    cookie,
    async createJob(content = 'Write a long answer.'): Promise<{ id: string, streamUrl: string }> {
      const response = await fetch(`${baseUrl}/api/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ messages: [{ role: 'user', content }] }),
      })
      const body = await response.json() as { id: string, streamUrl: string }
      if (response.status !== 202) throw new Error(`POST /api/jobs: ${response.status} ${JSON.stringify(body)}`)
      return body
    },
    stream(path: string, options: ViewerOptions = {}) {
      return openViewer(`${baseUrl}${path}`, { ...options, headers: { cookie, ...options.headers } })
    },
  }
}
