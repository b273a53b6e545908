/**
 * Heartbeats and a client that stopped reading, over a real loopback socket: a client still
 * stalled at the next heartbeat is cut (its queue and viewer let go); one that makes progress,
 * even through gzip or a queue that never drains, is not.
 */
import type { ServerResponse } from 'node:http'
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { SseSink } from '../../server/lib/http/sse-sink'
import { closeServer, open, openStalledCountingResyncs } from '../support/sse-sink-server'

afterEach(closeServer)

describe('SSE sink', () => {
  it('a client still stalled at the next heartbeat is cut, so its queue and viewer are let go', async () => {
    let sinkRef: SseSink | null = null
    const response = await open((sink) => {
      sinkRef = sink
      // A job stream's sink always has the engine's resync hook (without one, a drain ends it).
      sink.onResyncNeeded = () => {}
      sink.comment('open')
    }, { maxQueueBytes: 64 * 1024 })
    response.pause() // the client vanished: nothing is read any more
    const chunk = { text: 'y'.repeat(16 * 1024) }
    for (let index = 0; index < 4_000 && sinkRef!.dropped === 0; index++) sinkRef!.write('text-delta', index, chunk)
    expect(sinkRef!.dropped).toBeGreaterThan(0)
    let closed = false
    void sinkRef!.closed.then(() => {
      closed = true
    })
    // Heartbeats while the job goes on writing: the kernel buffers fill for good, and the
    // heartbeat after the one that found it stalled cuts it.
    let beats = 0
    for (; beats < 5_000 && !closed; beats++) {
      const before = sinkRef!.dropped
      for (let index = 0; index < 4_000 && sinkRef!.dropped === before; index++) sinkRef!.write('text-delta', index, chunk)
      sinkRef!.comment('ping')
      await new Promise(resolve => setImmediate(resolve))
    }
    await sinkRef!.closed
    expect(beats).toBeGreaterThanOrEqual(2)
  })

  it('a slow client that takes some of a big queue between heartbeats is not cut', async () => {
    let sinkRef: SseSink | null = null
    let serverSide: ServerResponse | null = null
    const response = await open((sink, outgoing) => {
      sinkRef = sink
      serverSide = outgoing
      sink.comment('open')
    }, { maxQueueBytes: 64 * 1024 })
    response.pause()
    // A resync snapshot far larger than the socket buffers: queued whole, the client stalled.
    const big = { text: 'z'.repeat(32 * 1024 * 1024) }
    await new Promise(resolve => setImmediate(resolve))
    sinkRef!.write('snapshot', 1, big)
    // Frames after it fill the bound (the snapshot is not counted in it), then one is dropped.
    for (let index = 0; index < 2_000 && sinkRef!.dropped === 0; index++) sinkRef!.write('text-delta', 2, { text: 'a'.repeat(16 * 1024) })
    expect(sinkRef!.dropped).toBe(1)
    let closed = false
    void sinkRef!.closed.then(() => {
      closed = true
    })
    // Between heartbeats the client reads one chunk: progress, though the queue never drains.
    for (let beat = 0; beat < 4; beat++) {
      sinkRef!.comment('ping')
      // What the socket has not handed to the kernel yet (the writer watches it too).
      const unsent = () => (serverSide!.socket as unknown as { _handle: { writeQueueSize: number } })._handle.writeQueueSize
      // The snapshot reached the socket's own queue (a write may wait for the next tick to get there).
      await expect.poll(unsent).toBeGreaterThan(0)
      const queued = unsent()
      let taken = 0
      await new Promise<void>((resolve) => {
        const take = (chunk: Buffer) => {
          taken += chunk.length
          if (taken < 4 * 1024 * 1024) return
          response.off('data', take)
          response.pause()
          resolve()
        }
        response.on('data', take)
        response.resume()
      })
      // The server handed the kernel more of the snapshot (what the client took made room).
      await expect.poll(unsent).toBeLessThan(queued)
      expect(closed).toBe(false)
      // Still stalled: what the job writes now is dropped (a resync comes once it drains).
      sinkRef!.write('text-delta', 3 + beat, { text: 'a' })
      expect(sinkRef!.dropped).toBe(2 + beat)
    }
    response.on('data', () => {})
    response.resume()
    sinkRef!.comment('ping')
    sinkRef!.close()
    await new Promise(resolve => response.on('end', resolve))
    expect(closed).toBe(true)
  })

  it('a client reading a gzip\'d snapshot is not cut while gzip still holds the snapshot whole', async () => {
    let sinkRef: SseSink | null = null
    const response = await open((sink) => {
      sinkRef = sink
      sink.comment('open')
    }, { gzip: true, maxQueueBytes: 64 * 1024 })
    // A snapshot that takes gzip a while (text that hardly compresses): gzip counts its input
    // whole until it is all compressed, and its output leaves at once to a client that reads.
    await new Promise(resolve => setImmediate(resolve))
    sinkRef!.write('snapshot', 1, { text: randomBytes(24 * 1024 * 1024).toString('base64') })
    // Frames after it fill the bound (the snapshot is not counted in it): stalled.
    for (let index = 0; index < 2_000 && sinkRef!.dropped === 0; index++) sinkRef!.write('text-delta', 2, { text: 'a'.repeat(16 * 1024) })
    expect(sinkRef!.dropped).toBe(1)
    let closed = false
    void sinkRef!.closed.then(() => {
      closed = true
    })
    let received = 0
    response.on('data', (chunk: Buffer) => {
      received += chunk.length
    })
    // Heartbeats while the client takes the compressed snapshot as fast as it comes.
    for (let beat = 0; beat < 3; beat++) {
      sinkRef!.comment('ping')
      const before = received
      // The client took more of it (or was cut, which the next line reports).
      await expect.poll(() => closed || received > before + 256 * 1024, { timeout: 10_000 }).toBe(true)
      expect(closed).toBe(false)
    }
    // The client leaves. (Not `close()` and the end: that waits for gzip to compress the rest of the
    // 32 MB snapshot, which took more than the test's 30 s on a loaded machine, after the beats.)
    response.destroy()
    await sinkRef!.closed
    expect(closed).toBe(true)
  })

  it('a client that drains between two heartbeats is not cut', async () => {
    const { response, sink: sinkRef, counted } = await openStalledCountingResyncs()
    const chunk = { text: 'y'.repeat(16 * 1024) }
    for (let index = 0; index < 4_000 && sinkRef.dropped === 0; index++) sinkRef.write('text-delta', index, chunk)
    sinkRef.comment('ping')
    response.on('data', () => {})
    response.resume()
    await expect.poll(() => counted.resyncs).toBe(1)
    sinkRef.comment('ping')
    sinkRef.comment('ping')
    sinkRef.write('job-end', 9_999, { status: 'completed' })
    sinkRef.close()
    await new Promise(resolve => response.on('end', resolve))
  })
})
