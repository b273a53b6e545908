/**
 * Baseline: Vercel's `resumable-stream` on a real Redis, carrying the same stamped chunks at the
 * same pace. Each job is a producer stream created at "job start" (its own output drained, as a
 * background job's would be); both viewers of a job resume it, so every chunk reaches them
 * through Redis pub/sub. One SSE event per chunk: resumable-stream has no batching.
 * Child process (REDIS_URL set, KEY_PREFIX optional): POST /prepare?jobs=N&run=…, GET /stream/:job,
 * POST /start?rate=&count= (starts the producers this process prepared).
 */
import { createServer } from 'node:http'
import { createResumableStreamContext } from 'resumable-stream'
import { jobEndFrame, snapshotFrame, SSE_HEADERS, textDeltaFrame } from './frames.ts'
import { createPacer } from './pacer.ts'

// Servers that share KEY_PREFIX serve each other's streams (a viewer on B resumes A's producer).
const context = createResumableStreamContext({ waitUntil: null, keyPrefix: process.env.KEY_PREFIX ?? `bench-${process.pid}` })
const producers = new Map<string, ReadableStreamDefaultController<string>>()
const pacer = createPacer()

async function prepare(id: string) {
  const output = await context.createNewResumableStream(id, () => new ReadableStream<string>({
    start(controller) {
      producers.set(id, controller)
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
      for (let start = 0; start < ids.length; start += 50) await Promise.all(ids.slice(start, start + 50).map(prepare))
      response.end(JSON.stringify(ids))
      return
    }
    if (url.pathname === '/start' && request.method === 'POST') {
      const count = Number(url.searchParams.get('count'))
      const chunksPerSecond = Number(url.searchParams.get('rate'))
      for (const [id, controller] of producers) {
        let seq = 0
        let offset = 0
        pacer.add({
          chunksPerSecond,
          count,
          write(chunk) {
            seq++
            controller.enqueue(textDeltaFrame(seq, offset, chunk))
            offset += chunk.length
            return true
          },
          done() {
            controller.enqueue(jobEndFrame(seq + 1))
            controller.close()
          },
        })
        producers.delete(id)
      }
      response.end('started')
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
