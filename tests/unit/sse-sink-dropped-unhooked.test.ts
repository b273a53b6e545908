/**
 * A stream nobody can resync (the notification stream: no engine catch-up behind it) that dropped
 * frames while its client was not draining must not go on as if nothing was lost: once the client
 * drains, it ends, so the client reconnects with its last id and the backlog replays what it missed.
 */
import { createGunzip } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import type { SseSink } from '../../server/lib/http/sse-sink'
import { closeServer, open, readFrames } from '../support/sse-sink-server'

afterEach(closeServer)

describe('SSE sink without a resync hook', () => {
  for (const gzip of [false, true]) {
    it(`ends the stream once the client drains after frames were dropped${gzip ? ' (gzip)' : ''}`, async () => {
      let sinkRef: SseSink | null = null
      const response = await open((sink) => {
        sinkRef = sink
        sink.comment('connected') // the notification route's first bytes
      }, { gzip, maxQueueBytes: 64 * 1024 })
      const sink = sinkRef! as SseSink
      let ended = false
      void sink.closed.then(() => {
        ended = true
      })
      response.pause() // the client stops reading
      // Incompressible notifications (gzip would otherwise shrink them to nothing) until one is dropped.
      const filler = Array.from({ length: 2_048 }, (_, index) => (index * 7_919 % 65_521).toString(36)).join('')
      let id = 0
      while (sink.dropped === 0 && id < 20_000) sink.write('job-end', ++id, { jobId: `j${id}`, title: `${id} ${filler}` })
      expect(sink.dropped).toBeGreaterThan(0)
      readFrames(gzip ? response.pipe(createGunzip()) : response, () => {})
      response.resume()
      // The client drains: the sink takes frames again, or it has ended.
      while (!ended && !sink.write('job-end', id + 1, { jobId: 'after' })) await new Promise(resolve => setImmediate(resolve))
      expect(ended).toBe(true)
    })
  }
})
