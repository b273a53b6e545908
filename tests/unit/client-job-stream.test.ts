/**
 * The client's job stream follower: text from a snapshot and deltas, the end of a job, and what
 * it does when the stream breaks (probe, resume after the seq, backoff, gone, taken over, denied).
 * Quiet streams and wake signals: client-job-stream-stale.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { emptyMetrics } from '../../shared/events'
import { JobAccessDeniedError } from '../../app/lib/job-probe'
import { followJobStream, REOPEN_BASE_DELAY_MS, REOPEN_MAX_ATTEMPTS, REOPEN_MAX_DELAY_MS } from '../../app/lib/job-stream'
import { FakeEventSource } from '../support/fake-event-source'
import { at, breakUntilOffline, harness, settle, snapshot, text, unreachable } from '../support/job-stream-harness'

describe('followJobStream', () => {
  it('builds the text from a snapshot and deltas, ignoring a replayed duplicate', () => {
    const test = harness()
    const source = test.sources[0]!
    source.emit('snapshot', snapshot(2, 'Hel'))
    source.emit('text-delta', text(3, 3, 'lo'))
    source.emit('text-delta', text(3, 3, 'lo'))
    source.emit('text-delta', text(4, 5, ' world'))
    expect(test.state()!.content).toBe('Hello world')
    expect(test.state()!.seq).toBe(4)
  })

  it('reads compact deltas ([offset, text], seq from the frame id, with or without an epoch) like whole ones', () => {
    const test = harness()
    const source = test.sources[0]!
    source.emit('snapshot', snapshot(2, 'Hel'))
    source.emit('text-delta', [3, 'lo'], '3')
    source.emit('text-delta', [3, 'lo'], '3')
    source.emit('text-delta', [5, ' world'], '2:4')
    source.emit('text-delta', [11, '!'], '')
    expect(test.state()!.content).toBe('Hello world')
    expect(test.state()!.seq).toBe(4)
  })

  it('closes the EventSource on job-end so the browser does not reconnect and replay', () => {
    const test = harness()
    const source = test.sources[0]!
    source.emit('snapshot', snapshot(1, 'Hi'))
    source.emit('job-end', { type: 'job-end', seq: 2, at, status: 'completed', metrics: emptyMetrics() })
    expect(source.closed).toBe(true)
    expect(test.ended()).toBe(1)
    expect(test.state()!.status).toBe('completed')
  })

  it('reports its connection: connecting, open, then reconnecting at once when the stream breaks', async () => {
    const test = harness()
    expect(test.states).toEqual(['connecting'])
    test.sources[0]!.open()
    test.sources[0]!.emit('snapshot', snapshot(5, 'abcde'))
    expect(test.states).toEqual(['connecting', 'open'])
    // A network drop or a server going away: the follower closes the EventSource and asks at once.
    test.sources[0]!.fail(0)
    expect(test.sources[0]!.closed).toBe(true)
    expect(test.states.at(-1)).toBe('reconnecting')
    expect(test.timers.map(timer => timer.delayMs)).toEqual([0])
  })

  it('after a break, adopts the probed snapshot and resumes the stream after its seq', async () => {
    const test = harness()
    test.sources[0]!.emit('snapshot', snapshot(5, 'abcde'))
    test.sources[0]!.fail(2)
    await test.runTimer(snapshot(7, 'abcdefg'))
    expect(test.state()!.content).toBe('abcdefg')
    expect(test.sources[1]!.url).toBe('/api/jobs/j1/stream?after=7')
    test.sources[1]!.open()
    test.sources[1]!.emit('text-delta', text(8, 7, 'h'))
    expect(test.state()!.content).toBe('abcdefgh')
    expect(test.states.at(-1)).toBe('open')
  })

  it('is offline while the server cannot be reached, asks again with backoff, and recovers', async () => {
    const test = harness()
    await breakUntilOffline(test)
    expect(test.states.at(-1)).toBe('offline')
    expect(test.timers.map(timer => timer.delayMs)).toEqual([0, 1_000, 2_000, 4_000, 8_000, REOPEN_MAX_DELAY_MS, REOPEN_MAX_DELAY_MS])
    expect(test.sources).toHaveLength(1)
    // The server is back and still has the job (a shared provider, or a plain network drop).
    await test.runTimer(snapshot(4, 'abcd'))
    expect(test.states.at(-1)).toBe('reconnecting')
    test.sources[1]!.open()
    expect(test.states.at(-1)).toBe('open')
    expect(test.sources[1]!.url).toBe('/api/jobs/j1/stream?after=4')
    expect(test.gaveUp() + test.lost()).toBe(0)
  })

  it('reports a job that is gone after a break (404: lost in a restart) and stops', async () => {
    const test = harness()
    test.sources[0]!.emit('snapshot', snapshot(3, 'abc'))
    test.sources[0]!.fail(0)
    await test.runTimer(unreachable())
    await test.runTimer(null)
    expect(test.lost()).toBe(1)
    expect(test.states.at(-1)).toBe('closed')
    expect(test.state()!.content).toBe('abc')
    // Nothing more happens: no timer pending, no new stream.
    expect(test.timers).toHaveLength(2)
    expect(test.sources).toHaveLength(1)
  })

  it('ends without a stream when the probe finds the job already finished', async () => {
    const test = harness()
    test.sources[0]!.emit('snapshot', snapshot(3, 'abc'))
    test.sources[0]!.fail(2)
    await test.runTimer({ ...snapshot(9, 'abcdef'), status: 'completed' })
    expect(test.ended()).toBe(1)
    expect(test.state()!.status).toBe('completed')
    expect(test.sources).toHaveLength(1)
    expect(test.states.at(-1)).toBe('closed')
  })

  it('after another server took the job over, adopts its snapshot (a later epoch, even at a lower seq) and resumes after <epoch>:<seq>', async () => {
    const test = harness()
    test.sources[0]!.emit('snapshot', snapshot(5, 'abcde'), '5')
    // The first owner streamed seqs 6 and 7 it never stored; then it died.
    test.sources[0]!.emit('text-delta', text(6, 5, 'X'), '6')
    test.sources[0]!.emit('text-delta', text(7, 6, 'Y'), '7')
    test.sources[0]!.fail(2)
    // The probe answers with what the new owner (epoch 2) holds: the stored text and one event of its own.
    await test.runTimer({ ...snapshot(6, 'abcdef'), epoch: 2 })
    expect(test.state()).toMatchObject({ content: 'abcdef', seq: 6, epoch: 2 })
    expect(test.sources[1]!.url).toBe('/api/jobs/j1/stream?after=2%3A6')
    test.sources[1]!.emit('text-delta', { ...text(7, 6, 'g'), epoch: 2 }, '2:7')
    expect(test.state()).toMatchObject({ content: 'abcdefg', seq: 7, epoch: 2 })
  })

  it('gives up when the stream keeps failing to open although the job exists', async () => {
    const test = harness()
    for (let attempt = 0; attempt < REOPEN_MAX_ATTEMPTS; attempt++) {
      test.sources.at(-1)!.fail(2)
      await test.runTimer(snapshot(1, 'a'))
    }
    expect(test.timers.map(timer => timer.delayMs).slice(0, 3)).toEqual([0, REOPEN_BASE_DELAY_MS, 2 * REOPEN_BASE_DELAY_MS])
    test.sources.at(-1)!.fail(2)
    expect(test.gaveUp()).toBe(1)
    expect(test.probes()).toBe(REOPEN_MAX_ATTEMPTS)
  })

  it('ignores a probe answer that arrives after close()', async () => {
    const test = harness()
    test.sources[0]!.fail(0)
    test.timers[0]!.callback()
    test.handle.close()
    await settle()
    expect(test.sources).toHaveLength(1)
    expect(test.lost() + test.ended()).toBe(0)
  })

  it('stops, denied, when the server refuses (401/403: signed out) instead of retrying for ever', async () => {
    const test = harness()
    test.sources[0]!.open()
    test.sources[0]!.emit('snapshot', snapshot(3, 'abc'))
    test.sources[0]!.fail(2)
    await test.runTimer(new JobAccessDeniedError(401))
    expect(test.denied()).toBe(1)
    expect(test.states.at(-1)).toBe('denied')
    expect(test.pending()).toEqual([])
    expect(test.sources).toHaveLength(1)
    expect(test.state()!.content).toBe('abc')
    await test.wake()
    expect(test.probes()).toBe(1)
  })

  it('ignores frames after close()', () => {
    const test = harness()
    test.sources[0]!.emit('snapshot', snapshot(1, 'a'))
    test.handle.close()
    test.sources[0]!.emit('text-delta', text(2, 1, 'b'))
    expect(test.state()!.content).toBe('a')
    expect(test.sources[0]!.closed).toBe(true)
  })
})

describe('followJobStream outside a browser', () => {
  const callbacks = { getSeq: () => 0, onSnapshot: () => {}, onEvent: () => {} }

  it('a relative url with no page to resolve it against throws a TypeError naming the url, instead of sitting offline for ever', () => {
    expect(() => followJobStream({ ...callbacks, url: '/api/jobs/j1/stream', createEventSource: url => new FakeEventSource(url) }))
      .toThrow(/"\/api\/jobs\/j1\/stream" is relative.*pass an absolute URL/)
  })

  it('no EventSource in the runtime throws a TypeError saying to pass createEventSource', () => {
    expect(typeof (globalThis as { EventSource?: unknown }).EventSource).toBe('undefined')
    expect(() => followJobStream({ ...callbacks, url: 'http://127.0.0.1:1/api/jobs/j1/stream' })).toThrow(/no EventSource; pass `createEventSource`/)
  })

  it('an absolute url with a factory follows', () => {
    const opened: string[] = []
    const handle = followJobStream({ ...callbacks, url: 'http://127.0.0.1:1/api/jobs/j1/stream', staleAfterMs: 0, subscribeToWake: () => () => {}, createEventSource: (url) => {
      opened.push(url)
      return new FakeEventSource(url)
    } })
    handle.close()
    expect(opened).toEqual(['http://127.0.0.1:1/api/jobs/j1/stream'])
  })
})
