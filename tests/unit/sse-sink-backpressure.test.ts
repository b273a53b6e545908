/**
 * A client that reads slower than the job writes, over a real loopback socket: frames past the
 * queue bound are dropped and one resync follows once the client drains; a catch-up goes out
 * whole, and a client that lost no frame gets no resync.
 */
import { randomBytes } from 'node:crypto'
import { createGunzip } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import type { SseSink } from '../../server/lib/http/sse-sink'
import { closeServer, open, openStalledCountingResyncs, readFrames, readPausedToEnd } from '../support/sse-sink-server'

afterEach(closeServer)

describe('SSE sink', () => {
  it('a client that stops reading gets frames dropped at the bound, then one resync when it drains', async () => {
    let sinkRef: SseSink | null = null
    let resyncs = 0
    const response = await open((sink) => {
      sinkRef = sink
      sink.comment('open') // sends the headers
      sink.onResyncNeeded = () => {
        resyncs++
        sink.write('snapshot', 9_999, { resync: true })
        sink.close()
      }
    }, { maxQueueBytes: 64 * 1024 })
    response.pause() // the client stops reading
    const chunk = { text: 'y'.repeat(16 * 1024) }
    // Write until the sink starts dropping (the kernel buffers fill first).
    for (let index = 0; index < 4_000 && sinkRef!.dropped === 0; index++) sinkRef!.write('text-delta', index, { ...chunk, index })
    expect(sinkRef!.dropped).toBeGreaterThan(0)
    for (let index = 0; index < 100; index++) sinkRef!.write('text-delta', 5_000 + index, chunk)
    expect(sinkRef!.dropped).toBeGreaterThan(100)
    // Resume: once drained, the engine's resync hook runs exactly once.
    const frames = await readPausedToEnd(response)
    expect(resyncs).toBe(1)
    expect(JSON.parse(frames.at(-1)!.data)).toEqual({ resync: true })
  })

  it('writes a catch-up whole past the bound, and a resync names the last frame written', async () => {
    let sinkRef: SseSink | null = null
    const positions: unknown[] = []
    const response = await open((sink) => {
      sinkRef = sink
      sink.onResyncNeeded = (written) => {
        positions.push(written)
        sink.close()
      }
      // A long answer's catch-up: its first frame alone passes the bound; the rest must still go out.
      sink.send({ event: 'snapshot', id: 7, data: { content: 'c'.repeat(256 * 1024) } as never }, { catchUp: true })
      sink.send({ event: 'step-end', id: 8, data: { type: 'step-end', seq: 8 } as never }, { catchUp: true })
      // Live frames queue behind that one big frame up to the bound; past it, one is dropped (and
      // asks for a resync from the last frame written once the client drains).
      sink.send({ event: 'step-start', id: 9, data: { type: 'step-start', seq: 9 } as never })
      sink.send({ event: 'text-delta', id: 10, data: { type: 'text-delta', seq: 10, text: 'd'.repeat(17 * 1024) } as never })
      sink.send({ event: 'step-start', id: 11, data: { type: 'step-start', seq: 11 } as never })
    }, { maxQueueBytes: 16 * 1024 })
    response.pause()
    await new Promise(resolve => setImmediate(resolve))
    expect(sinkRef!.dropped).toBe(1)
    const frames = await readPausedToEnd(response)
    expect(frames.map(frame => frame.id)).toEqual(['7', '8', '9', '10'])
    expect(positions).toEqual([{ seq: 10, epoch: 1 }])
  })

  it('a client that falls behind without losing a frame gets no resync (no repeated id)', async () => {
    const { response, sink: sinkRef, counted } = await openStalledCountingResyncs()
    // One frame larger than the bound: the queue goes over it (a stall) but nothing is dropped.
    sinkRef.write('text-delta', 1, { text: 'z'.repeat(512 * 1024) })
    expect(sinkRef.dropped).toBe(0)
    const frames: Array<{ id?: string }> = []
    const firstFrame = new Promise<void>((resolve) => {
      readFrames(response, (frame) => {
        frames.push(frame)
        resolve()
      })
    })
    response.resume()
    await firstFrame
    sinkRef.write('text-delta', 2, { text: 'after' })
    sinkRef.close()
    await new Promise(resolve => response.on('end', resolve))
    expect(counted.resyncs).toBe(0)
    expect(frames.map(frame => frame.id)).toEqual(['1', '2'])
  })

  it('a bound below the stream\'s own buffer never stalls a client that reads', async () => {
    let sinkRef: SseSink | null = null
    const response = await open((sink) => {
      sinkRef = sink
      // One turn's writes (a catch-up) go over the bound while the socket would still take more:
      // no `drain` is due, so refusing writes here would stall this client for good.
      sink.write('snapshot', 1, { content: 'c'.repeat(8 * 1024) })
      for (let index = 2; index <= 20; index++) sink.write('text-delta', index, { text: `piece ${index}` })
      setImmediate(() => {
        sink.write('job-end', 21, { status: 'completed' })
        sink.close()
      })
    }, { maxQueueBytes: 1024 })
    const frames: Array<{ id?: string }> = []
    readFrames(response, frame => frames.push(frame))
    await new Promise(resolve => response.on('end', resolve))
    expect(sinkRef!.dropped).toBe(0)
    expect(frames.map(frame => Number(frame.id))).toEqual(Array.from({ length: 21 }, (_, index) => index + 1))
  })

  it('frames after a snapshot larger than the bound queue behind it, up to the bound: no drop, no new resync', async () => {
    const { response, sink: sinkRef, counted } = await openStalledCountingResyncs({ gzip: true })
    await new Promise(resolve => setImmediate(resolve))
    // A resync snapshot of a long answer, then the job streams on while it is being sent.
    sinkRef.write('snapshot', 1, { text: randomBytes(3 * 1024 * 1024).toString('base64') })
    for (let index = 2; index <= 40; index++) sinkRef.write('text-delta', index, { text: `piece ${index} ` })
    expect(sinkRef.dropped).toBe(0)
    const frames: Array<{ id?: string }> = []
    readFrames(response.pipe(createGunzip()), frame => frames.push(frame))
    response.resume()
    await expect.poll(() => frames.length).toBe(40)
    sinkRef.close()
    expect(counted.resyncs).toBe(0)
    expect(frames.map(frame => Number(frame.id))).toEqual(Array.from({ length: 40 }, (_, index) => index + 1))
  })
})
