/**
 * Baseline: Vercel's `resumable-stream` on a real Redis, relaying the same paced upstream as the
 * layer (read with bench/lib/upstream-reader.ts). Each job is a producer stream created at "job
 * start" (its own output drained, as a background job's would be); both viewers of a job resume
 * it, so every piece reaches them through Redis pub/sub. One SSE event per piece:
 * resumable-stream has no batching.
 * Child process (REDIS_URL set, KEY_PREFIX optional): POST /prepare?jobs=N&run=&upstream= (the
 * upstream requests wait at the upstream's gate), GET /stream/:job.
 */
import { createServer } from 'node:http'
import { createResumableStreamContext } from 'resumable-stream'
import { jobEndFrame, snapshotFrame, SSE_HEADERS, textFrame } from './frames.ts'
import { readUpstream } from './upstream-reader.ts'

// Servers that share KEY_PREFIX serve each other's streams (a viewer on B resumes A's producer).
const context = createResumableStreamContext({ waitUntil: null, keyPrefix: process.env.KEY_PREFIX ?? `bench-${process.pid}` })

async function prepare(id: string, upstream: string) {
  const output = await context.createNewResumableStream(id, () => new ReadableStream<string>({
    start(controller) {
      let seq = 0
      readUpstream(upstream, {
        text: text => controller.enqueue(textFrame(++seq, text)),
        end: () => {
          controller.enqueue(jobEndFrame(seq + 1))
          controller.close()
        },
      })
    },
  }))
  // The producer's own copy: drained, as the job's server-side consumer would.
  void output?.pipeTo(new WritableStream())
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost')
  void (async () => {
    if (url.pathname.startsWith('/stream/')) {
      const id = url.pathname.slice('/stream/'.length)
      const stream = await context.resumeExistingStream(id)
      if (!stream) {
        response.writeHead(404).end()
        return
      }
      response.writeHead(200, SSE_HEADERS)
      response.write(`retry: 1000\n\n${snapshotFrame(id)}`)
      const reader = stream.getReader()
      response.on('close', () => void reader.cancel().catch(() => {}))
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        response.write(value)
      }
      response.end()
      return
    }
    if (url.pathname === '/prepare' && request.method === 'POST') {
      const jobs = Number(url.searchParams.get('jobs'))
      const ids = Array.from({ length: jobs }, (_, index) => `${url.searchParams.get('run')}-${index}`)
      const upstream = url.searchParams.get('upstream')!
      for (let start = 0; start < ids.length; start += 50) await Promise.all(ids.slice(start, start + 50).map(id => prepare(id, upstream)))
      response.end(JSON.stringify(ids))
      return
    }
    response.end('ok')
  })().catch((error) => {
    console.error(error)
    if (!response.headersSent) response.writeHead(500)
    response.end()
  })
})
server.maxConnections = 100_000
server.listen(Number(process.env.PORT), '127.0.0.1', 4096)
process.on('SIGTERM', () => process.exit(0))
