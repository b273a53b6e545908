/**
 * A gzip'd stream's compressor (a zlib handle holding its window and state, ~256 KiB of native
 * memory) is freed when the response is over, whichever side ended it — not left for the garbage
 * collector. Counted: every compressor the writer made is destroyed once its connection is gone.
 */
import type { IncomingMessage } from 'node:http'
import { get } from 'node:http'
import type { Gzip } from 'node:zlib'
import { createGunzip } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SseSink } from '../../server/lib/http/sse-sink'
import { createSseSink } from '../../server/lib/http/sse-sink'
import { closeServer, open, readFrames, serve } from '../support/sse-sink-server'

const made = vi.hoisted(() => [] as Gzip[])
vi.mock('node:zlib', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:zlib')>()
  return {
    ...actual,
    createGzip: (...args: Parameters<typeof actual.createGzip>) => {
      const gzip = actual.createGzip(...args)
      made.push(gzip)
      return gzip
    },
  }
})

beforeEach(() => {
  made.length = 0
})
afterEach(closeServer)

const live = () => made.filter(gzip => !gzip.destroyed).length

async function openGzip(): Promise<{ sink: SseSink, response: IncomingMessage, frames: string[] }> {
  let sinkRef: SseSink | null = null
  const response = await open((sink) => {
    sinkRef = sink
    sink.write('job-start', 1, { jobId: 'j' })
  }, { gzip: true })
  const frames: string[] = []
  readFrames(response.pipe(createGunzip()), frame => frames.push(frame.data))
  return { sink: sinkRef! as SseSink, response, frames }
}

describe('SSE writer gzip compressor', () => {
  it('is destroyed when the client leaves mid-stream', async () => {
    const { sink, response } = await openGzip()
    expect(response.headers['content-encoding']).toBe('gzip')
    expect(made).toHaveLength(1)
    response.destroy() // the client goes away
    await sink.closed
    expect(live()).toBe(0)
  })

  it('is destroyed when the client leaves while output is queued', async () => {
    const { sink, response } = await openGzip()
    response.pause()
    const filler = Array.from({ length: 4_096 }, (_, index) => (index * 7_919 % 65_521).toString(36)).join('')
    for (let id = 2; id < 200; id++) sink.write('delta', id, { text: `${id} ${filler}` })
    response.destroy()
    await sink.closed
    expect(live()).toBe(0)
  })

  it('is done with when the server ends the stream', async () => {
    const { sink, response } = await openGzip()
    const ended = new Promise(resolve => response.once('end', resolve))
    sink.close()
    await sink.closed
    await ended
    expect(live()).toBe(0)
  })
})

describe('SSE writer made after its client left', () => {
  it('starts no compressor when frames come after the client is gone', async () => {
    let made_!: (sink: SseSink) => void
    const sinkMade = new Promise<SseSink>((resolve) => {
      made_ = resolve
    })
    const port = await serve((request, response) => {
      // The route awaits the store while the client leaves; the sink is made after that.
      request.socket.once('close', () => made_(createSseSink(request, response, { compression: true, maxQueueBytes: 1_000_000 })))
    })
    const client = get({ host: '127.0.0.1', port, path: '/', headers: { 'accept-encoding': 'gzip' } })
    client.on('error', () => {})
    client.once('socket', socket => socket.once('connect', () => setImmediate(() => client.destroy())))
    const sink = await sinkMade
    await sink.closed
    // The engine's catch-up still arrives after the client left.
    expect(sink.write('snapshot', 1, { jobId: 'j' }, true)).toBe(false)
    sink.close()
    expect(live()).toBe(0)
  })
})
