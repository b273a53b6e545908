/**
 * Baseline "practical limit": a bare node:http server that writes the same SSE bytes to the same
 * sockets as the layer — stamped chunks at the same pace, merged per job in the same 50 ms
 * window — with no upstream to parse, no event log, no reducer and no framework.
 * Child process: GET /stream/:job attaches a viewer, POST /start?jobs=&rate=&count=&windowMs= runs.
 */
import { createServer } from 'node:http'
import type { ServerResponse } from 'node:http'
import { jobEndFrame, snapshotFrame, SSE_HEADERS, textDeltaFrame } from './frames.ts'
import { createPacer } from './pacer.ts'

interface BareJob {
  viewers: Set<ServerResponse>
  pending: string
  offset: number
  seq: number
  timer: ReturnType<typeof setTimeout> | null
}

const jobs = new Map<string, BareJob>()
const pacer = createPacer()

function jobOf(id: string): BareJob {
  let job = jobs.get(id)
  if (!job) {
    job = { viewers: new Set(), pending: '', offset: 0, seq: 0, timer: null }
    jobs.set(id, job)
  }
  return job
}

function flush(job: BareJob) {
  if (job.timer) clearTimeout(job.timer)
  job.timer = null
  if (!job.pending) return
  job.seq++
  const frame = textDeltaFrame(job.seq, job.offset, job.pending)
  job.offset += job.pending.length
  job.pending = ''
  for (const viewer of job.viewers) viewer.write(frame)
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost')
  if (url.pathname.startsWith('/stream/')) {
    const id = url.pathname.slice('/stream/'.length)
    const job = jobOf(id)
    response.writeHead(200, SSE_HEADERS)
    response.write(`retry: 1000\n\n${snapshotFrame(id)}`)
    job.viewers.add(response)
    response.on('close', () => job.viewers.delete(response))
    return
  }
  if (url.pathname === '/start' && request.method === 'POST') {
    const count = Number(url.searchParams.get('count'))
    const chunksPerSecond = Number(url.searchParams.get('rate'))
    const windowMs = Number(url.searchParams.get('windowMs'))
    for (const [id, job] of jobs) {
      pacer.add({
        chunksPerSecond,
        count,
        write(chunk) {
          job.pending += chunk
          if (windowMs <= 0) flush(job)
          else job.timer ??= setTimeout(() => flush(job), windowMs)
          return true
        },
        done() {
          flush(job)
          job.seq++
          for (const viewer of job.viewers) viewer.end(jobEndFrame(job.seq))
          jobs.delete(id)
        },
      })
    }
    response.end('started')
    return
  }
  response.end('ok')
})
server.maxConnections = 100_000
server.listen(Number(process.env.PORT), '127.0.0.1', 4096)
process.on('SIGTERM', () => process.exit(0))
