/**
 * Test helpers for operations: read the metrics route, wait until the engine holds nothing,
 * and a raw-socket SSE client that can stop reading (a slow consumer).
 */
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { createParser } from 'eventsource-parser'
import { expect } from 'vitest'
import type { ReceivedFrame } from './http-client'
import { frameData } from './http-client'

/** The metrics route as JSON. */
export async function readMetrics(baseUrl: string, token: string): Promise<any> {
  // `connection: close`: a poll leaves no idle keep-alive socket in the server, whose handles some tests count.
  const response = await fetch(`${baseUrl}/api/jobs/metrics`, { headers: { authorization: `Bearer ${token}`, connection: 'close' } })
  if (response.status !== 200) throw new Error(`metrics route answered ${response.status}`)
  return await response.json()
}

/** Waits until no run, viewer, job timer or pending input is left (bounded by the test timeout). */
export async function expectEngineIdle(baseUrl: string, token: string): Promise<void> {
  await expect.poll(async () => {
    const { engine } = await readMetrics(baseUrl, token)
    return { runs: engine.runs, viewers: engine.viewers, jobTimers: engine.jobTimers, pendingInputs: engine.pendingInputs, remoteFeeds: engine.remoteFeeds }
  }, { timeout: 10_000, interval: 50 }).toEqual({ runs: 0, viewers: 0, jobTimers: 0, pendingInputs: 0, remoteFeeds: 0 })
}

/** A raw HTTP/1.0 SSE request (no chunked encoding) whose reading can be paused. */
export interface RawStream {
  socket: Socket
  /** Starts reading; resolves with every frame once the server closed the connection. */
  readAll: () => Promise<{ statusLine: string, frames: ReceivedFrame[] }>
}

/** Sends the request and does not read anything until `readAll()`. */
export async function openRawStream(baseUrl: string, path: string, cookie: string): Promise<RawStream> {
  const { hostname, port } = new URL(baseUrl)
  const socket = connect(Number(port), hostname)
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('error', reject)
  })
  socket.pause()
  socket.write(`GET ${path} HTTP/1.0\r\nHost: ${hostname}:${port}\r\nAccept: text/event-stream\r\nCookie: ${cookie}\r\n\r\n`)
  return {
    socket,
    readAll: () => new Promise((resolve, reject) => {
      const parts: Buffer[] = []
      socket.on('data', (part: Buffer) => parts.push(part))
      socket.once('error', reject)
      socket.once('close', () => {
        const text = Buffer.concat(parts).toString('utf8')
        const split = text.indexOf('\r\n\r\n')
        const frames: ReceivedFrame[] = []
        const parser = createParser({ onEvent: message => frames.push({ id: message.id, event: message.event ?? 'message', data: frameData(message.event, message.id, message.data) }) })
        parser.feed(text.slice(split + 4))
        resolve({ statusLine: text.slice(0, text.indexOf('\r\n')), frames })
      })
      socket.resume()
    }),
  }
}

/** A fresh anonymous user's cookie (`bgjobs_uid=…`), for raw requests. */
export async function anonymousCookie(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/jobs`)
  const pair = response.headers.getSetCookie().map(line => line.split(';')[0]!).find(line => line.startsWith('bgjobs_uid='))
  if (!pair) throw new Error('no anonymous user cookie')
  return pair
}

/**
 * Follows a job stream like EventSource: when the server closes it before `job-end` (a viewer
 * that fell behind is closed so it reconnects), reconnects with the last id. Returns every frame.
 */
export async function followToEnd(client: { stream: (path: string, headers?: Record<string, string>) => Promise<{ status: number, frames: ReceivedFrame[], ended: Promise<void> }> }, path: string, headers: Record<string, string> = {}, initial: ReceivedFrame[] = []): Promise<ReceivedFrame[]> {
  const frames = [...initial]
  for (let attempt = 0; attempt < 20 && frames.at(-1)?.event !== 'job-end'; attempt++) {
    const lastId = frames.at(-1)?.id
    const stream = await client.stream(path, { ...headers, ...(lastId ? { 'last-event-id': lastId } : {}) })
    if (stream.status !== 200) break
    await stream.ended
    frames.push(...stream.frames)
  }
  return frames
}
