/**
 * Baseline "practical limit": a bare node:http relay. Each job reads the same paced upstream as
 * the layer, over the same kind of HTTP client (bench/lib/upstream-reader.ts), merges its pieces
 * in the same 50 ms window with the same leading edge, and writes the least a resumable text
 * stream needs — `id: <n>` and the text as a JSON string — to its viewers, gzip'd (flushed per
 * frame) when they ask for it. No event log, no reducer, no persistence, no framework.
 * Child process: POST /jobs?count=&upstream=&windowMs= starts jobs (their upstream requests wait
 * at the upstream's gate) and answers their ids; GET /stream/:job attaches a viewer.
 */
import { createServer } from 'node:http'
import type { ServerResponse } from 'node:http'
import { constants as zlibConstants, createGzip } from 'node:zlib'
import type { Gzip } from 'node:zlib'
import { jobEndFrame, snapshotFrame, SSE_HEADERS, textFrame } from './frames.ts'
import { readUpstream } from './upstream-reader.ts'

interface Viewer {
  response: ServerResponse
  gzip: Gzip | null
}

interface RelayJob {
  viewers: Set<Viewer>
  pending: string
  seq: number
  windowMs: number
  timer: ReturnType<typeof setTimeout> | null
  /** performance.now() of the last piece: a piece after a quiet window goes out at once. */
  lastPieceAtMs: number
}

const jobs = new Map<string, RelayJob>()
/** Jobs whose leading piece goes out at the end of this event-loop turn (one setImmediate for all). */
const leading = new Set<RelayJob>()
let nextJob = 0

function sendLeading() {
  for (const job of leading) flush(job, false)
  leading.clear()
}

function send(job: RelayJob, frame: string) {
  for (const viewer of job.viewers) (viewer.gzip ?? viewer.response).write(frame)
}

function flush(job: RelayJob, endsWindow = true) {
  if (endsWindow) {
    if (job.timer) clearTimeout(job.timer)
    job.timer = null
    leading.delete(job)
  }
  if (!job.pending) return
  job.seq++
  const frame = textFrame(job.seq, job.pending)
  job.pending = ''
  send(job, frame)
}

function piece(job: RelayJob, text: string) {
  const nowMs = performance.now()
  const quiet = nowMs - job.lastPieceAtMs >= job.windowMs
  job.lastPieceAtMs = nowMs
  job.pending += text
  if (job.windowMs <= 0) return flush(job)
  if (job.timer) return
  // Leading edge: after a quiet window the piece goes out at the end of this turn (with any
  // piece of the same read) and the window starts from it.
  if (quiet) {
    if (leading.size === 0) setImmediate(sendLeading)
    leading.add(job)
  }
  job.timer = setTimeout(() => flush(job), job.windowMs)
}

function end(id: string, job: RelayJob) {
  flush(job)
  job.seq++
  const frame = jobEndFrame(job.seq)
  for (const viewer of job.viewers) (viewer.gzip ?? viewer.response).end(frame)
  jobs.delete(id)
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost')
  if (url.pathname.startsWith('/stream/')) {
    const id = url.pathname.slice('/stream/'.length)
    const job = jobs.get(id)
    if (!job) {
      response.writeHead(404).end()
      return
    }
    const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? '')) ? createGzip({ flush: zlibConstants.Z_SYNC_FLUSH }) : null
    response.writeHead(200, gzip ? { ...SSE_HEADERS, 'content-encoding': 'gzip' } : SSE_HEADERS)
    if (gzip) gzip.pipe(response)
    const viewer = { response, gzip }
    ;(gzip ?? response).write(`retry: 1000\n\n${snapshotFrame(id)}`)
    job.viewers.add(viewer)
    response.on('close', () => job.viewers.delete(viewer))
    return
  }
  if (url.pathname === '/jobs' && request.method === 'POST') {
    const count = Number(url.searchParams.get('count'))
    const upstream = url.searchParams.get('upstream')!
    const windowMs = Number(url.searchParams.get('windowMs'))
    const ids: string[] = []
    for (let index = 0; index < count; index++) {
      const id = `job-${nextJob++}`
      const job: RelayJob = { viewers: new Set(), pending: '', seq: 0, windowMs, timer: null, lastPieceAtMs: -Infinity }
      jobs.set(id, job)
      ids.push(id)
      readUpstream(upstream, { text: text => piece(job, text), end: () => end(id, job) })
    }
    response.end(JSON.stringify(ids))
    return
  }
  response.end('ok')
})
server.maxConnections = 100_000
server.listen(Number(process.env.PORT), '127.0.0.1', 4096)
process.on('SIGTERM', () => process.exit(0))
