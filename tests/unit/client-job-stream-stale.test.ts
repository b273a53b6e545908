/**
 * The client's job stream follower on a stream that goes quiet: a check after STALE_STREAM_MS
 * without a frame (resume, keep, back off or stop), and wake signals (online, tab shown) that
 * ask at once instead of waiting out the backoff.
 */
import { describe, expect, it } from 'vitest'
import { JobAccessDeniedError } from '../../app/lib/job-probe'
import { REOPEN_BASE_DELAY_MS, REOPEN_MAX_DELAY_MS, STALE_STREAM_MS, WAKE_QUIET_MS } from '../../app/lib/job-stream'
import { breakUntilOffline, harness, settle, snapshot, text, unreachable } from '../support/job-stream-harness'

describe('followJobStream', () => {
  it('drops a stream that died without an error (no frame for STALE_STREAM_MS while the job went on) and resumes after what the server has', async () => {
    const test = harness({ staleAfterMs: STALE_STREAM_MS })
    test.sources[0]!.open()
    test.sources[0]!.emit('snapshot', snapshot(3, 'abc'))
    // A laptop lid closed, a NAT that forgot the connection: no error, no frame, for ever.
    await test.advance(STALE_STREAM_MS, snapshot(9, 'abcdefghi'))
    expect(test.probes()).toBe(1)
    expect(test.sources[0]!.closed).toBe(true)
    expect(test.state()!.content).toBe('abcdefghi')
    expect(test.sources[1]!.url).toBe('/api/jobs/j1/stream?after=9')
    test.sources[1]!.open()
    expect(test.states.slice(-2)).toEqual(['reconnecting', 'open'])
  })

  it('keeps a quiet stream when the server has nothing newer (a job waiting for an answer), and checks it again later', async () => {
    const test = harness({ staleAfterMs: STALE_STREAM_MS })
    test.sources[0]!.open()
    test.sources[0]!.emit('snapshot', { ...snapshot(4, 'abcd'), status: 'waiting' })
    await test.advance(STALE_STREAM_MS, { ...snapshot(4, 'abcd'), status: 'waiting' })
    expect(test.probes()).toBe(1)
    expect(test.sources).toHaveLength(1)
    expect(test.sources[0]!.closed).toBe(false)
    expect(test.states.at(-1)).toBe('open')
    expect(test.pending().map(timer => timer.delayMs)).toEqual([STALE_STREAM_MS])
  })

  it('does not check a stream that keeps sending: a frame postpones the check', async () => {
    const test = harness({ staleAfterMs: STALE_STREAM_MS })
    test.sources[0]!.open()
    test.sources[0]!.emit('snapshot', snapshot(3, 'abc'))
    test.setClock(30_000)
    test.sources[0]!.emit('text-delta', text(4, 3, 'd'))
    await test.advance(STALE_STREAM_MS - 30_000)
    expect(test.probes()).toBe(0)
    expect(test.pending().map(timer => timer.delayMs)).toEqual([30_000])
  })

  it('goes offline with backoff when the check of a quiet stream gets no answer', async () => {
    const test = harness({ staleAfterMs: STALE_STREAM_MS })
    test.sources[0]!.open()
    test.sources[0]!.emit('snapshot', snapshot(3, 'abc'))
    await test.advance(STALE_STREAM_MS, unreachable())
    expect(test.sources[0]!.closed).toBe(true)
    expect(test.states.at(-1)).toBe('offline')
    expect(test.pending().map(timer => timer.delayMs)).toEqual([REOPEN_BASE_DELAY_MS])
  })

  it('asks at once when the device is back (online, tab shown) instead of waiting out the backoff', async () => {
    const test = harness()
    await breakUntilOffline(test)
    expect(test.pending().map(timer => timer.delayMs)).toEqual([REOPEN_MAX_DELAY_MS])
    await test.wake(snapshot(8, 'abcdefgh'))
    expect(test.probes()).toBe(7)
    expect(test.pending()).toEqual([])
    expect(test.sources[1]!.url).toBe('/api/jobs/j1/stream?after=8')
  })

  it('a wake signal while a try is on its way is not lost: when that try fails, it asks again at once', async () => {
    const test = harness()
    await breakUntilOffline(test)
    // The next try leaves while still offline; the device comes back before its answer does.
    let fail!: (error: Error) => void
    await test.runTimer(new Promise<null>((_resolve, reject) => {
      fail = reject
    }))
    await test.wake()
    fail(unreachable())
    await settle()
    expect(test.pending().map(timer => timer.delayMs)).toEqual([0])
    await test.advance(0, snapshot(8, 'abcdefgh'))
    expect(test.sources[1]!.url).toBe('/api/jobs/j1/stream?after=8')
  })

  it('on a wake signal checks an open stream that has been quiet, not one that is sending', async () => {
    const test = harness()
    test.sources[0]!.open()
    test.sources[0]!.emit('snapshot', snapshot(3, 'abc'))
    test.setClock(WAKE_QUIET_MS - 1)
    await test.wake()
    expect(test.probes()).toBe(0)
    // A tab that was frozen in the background for a while, then shown again.
    test.setClock(10 * 60_000)
    await test.wake({ ...snapshot(7, 'abcdefg'), status: 'completed' })
    expect(test.probes()).toBe(1)
    expect(test.state()).toMatchObject({ content: 'abcdefg', status: 'completed' })
    expect(test.ended()).toBe(1)
    expect(test.states.at(-1)).toBe('closed')
    expect(test.isSubscribedToWake()).toBe(false)
  })

  it('stops, denied, when the check of a quiet stream is refused', async () => {
    const test = harness({ staleAfterMs: STALE_STREAM_MS })
    test.sources[0]!.open()
    test.sources[0]!.emit('snapshot', snapshot(3, 'abc'))
    await test.advance(STALE_STREAM_MS, new JobAccessDeniedError(403))
    expect(test.denied()).toBe(1)
    expect(test.sources[0]!.closed).toBe(true)
    expect(test.states.at(-1)).toBe('denied')
    expect(test.pending()).toEqual([])
  })
})
