/**
 * A gzip'd stream's compressor (a zlib handle holding its window and state, ~256 KiB of native
 * memory) is freed when the response is over, whichever side ended it — not left for the garbage
 * collector. Counted: every compressor the writer made is destroyed once its connection is gone.
 */
import type { IncomingMessage } from 'node:http'
import type { Gzip } from 'node:zlib'
import { createGunzip } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SseSink } from '../../server/lib/http/sse-sink'
import { closeServer, open, readFrames } from '../support/sse-sink-server'

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
