import { describe, expect, it } from 'vitest'
import { createJobState } from '../../shared/reducer'
import type { JobState } from '../../shared/reducer'
import type { JobEvent } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import { createFetchProbe, JobAccessDeniedError } from '../../app/lib/job-probe'
import { followJobStream, REOPEN_BASE_DELAY_MS, REOPEN_MAX_ATTEMPTS, REOPEN_MAX_DELAY_MS, STALE_STREAM_MS, streamUrlAfter, WAKE_QUIET_MS } from '../../app/lib/job-stream'
import type { EventSourceLike, JobConnectionState } from '../../app/lib/job-stream'
import { adoptSnapshot, applyLiveEvent } from '../../app/lib/job-state'
import { FakeEventSource } from '../support/fake-event-source'

/** What the fake server answers to the follower's probe: a state, gone (null), or unreachable (an Error). */
type ProbeAnswer = JobState | null | Error

/** Lets pending promise callbacks (the probe's answer) run; no timers involved. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) await Promise.resolve()
}

/** `staleAfterMs` is off unless a test turns it on (its timers would mix with the retry timers). */
function harness(settings: { staleAfterMs?: number } = {}) {
  let clock = 0
  let wake: (() => void) | null = null
  let denied = 0
  const sources: FakeEventSource[] = []
  const timers: { callback: () => void, delayMs: number, cleared: boolean, ran?: boolean }[] = []
  const probeAnswers: ProbeAnswer[] = []
  const states: JobConnectionState[] = []
  let probes = 0
  let state: JobState | null = null
  let ended = 0
  let gaveUp = 0
  let lost = 0
  const handle = followJobStream({
    url: '/api/jobs/j1/stream',
    getSeq: () => state?.seq ?? 0,
    getEpoch: () => state?.epoch ?? 1,
    onSnapshot: snapshot => { state = adoptSnapshot(state, snapshot) },
    onEvent: event => { state = applyLiveEvent(state, event) },
    onEnd: () => { ended++ },
    onGiveUp: () => { gaveUp++ },
    onLost: () => { lost++ },
    onStateChange: next => { states.push(next) },
    onDenied: () => { denied++ },
    staleAfterMs: settings.staleAfterMs ?? 0,
    now: () => clock,
    subscribeToWake: (callback) => {
      wake = callback
      return () => { wake = null }
    },
    probe: async () => {
      probes++
      const answer = probeAnswers.shift()
      if (answer === undefined) throw new Error('the test gave no probe answer')
      if (answer instanceof Error) throw answer
      return answer
    },
    createEventSource: url => {
      const source = new FakeEventSource(url)
      sources.push(source)
      return source
    },
    setTimer: (callback, delayMs) => {
      const timer = { callback, delayMs, cleared: false }
      timers.push(timer)
      return timer
    },
    clearTimer: timer => { (timer as { cleared: boolean }).cleared = true },
  })
  /** Runs the newest timer (the follower's next attempt) and lets the probe answer. */
  async function runTimer(answer: ProbeAnswer) {
    probeAnswers.push(answer)
    const timer = timers.at(-1)!
    timer.ran = true
    timer.callback()
    await settle()
  }
  /** Moves the clock on and runs the timers due by then that are still pending, oldest first; `answer` is what a probe they start gets. */
  async function advance(ms: number, answer?: ProbeAnswer) {
    const due = clock + ms
    clock = due
    if (answer !== undefined) probeAnswers.push(answer)
    for (const timer of [...timers]) {
      if (timer.cleared || timer.ran) continue
      timer.ran = true
      timer.callback()
    }
    await settle()
  }
  /** The timers still pending (not cleared, not run by `advance`). */
  const pending = () => timers.filter(timer => !timer.cleared && !timer.ran)
  return {
    sources, timers, handle, states, runTimer, advance, pending,
    probes: () => probes, state: () => state, ended: () => ended, gaveUp: () => gaveUp, lost: () => lost, denied: () => denied,
    /** Fires a wake signal (online, tab shown, page restored); `answer` is what a probe it starts gets. */
    wake: async (answer?: ProbeAnswer) => {
      if (answer !== undefined) probeAnswers.push(answer)
      wake?.()
      await settle()
    },
    isSubscribedToWake: () => wake !== null,
    setClock: (ms: number) => { clock = ms },
  }
}

const unreachable = () => new Error('connect ECONNREFUSED')

const at = 1_000
const snapshot = (seq: number, content: string): JobState => ({ ...createJobState({ id: 'j1', type: 'chat', createdAt: at, status: 'running' }), seq, content })
const text = (seq: number, offset: number, value: string): JobEvent => ({ type: 'text-delta', seq, at, offset, text: value })

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
    test.sources[0]!.open()
    test.sources[0]!.emit('snapshot', snapshot(3, 'abc'))
    test.sources[0]!.fail(0)
    for (let attempt = 0; attempt < 6; attempt++) await test.runTimer(unreachable())
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
    test.sources[0]!.open()
    test.sources[0]!.emit('snapshot', snapshot(3, 'abc'))
    test.sources[0]!.fail(0)
    for (let attempt = 0; attempt < 6; attempt++) await test.runTimer(unreachable())
    expect(test.pending().map(timer => timer.delayMs)).toEqual([REOPEN_MAX_DELAY_MS])
    await test.wake(snapshot(8, 'abcdefgh'))
    expect(test.probes()).toBe(7)
    expect(test.pending()).toEqual([])
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

  it('ignores frames after close()', () => {
    const test = harness()
    test.sources[0]!.emit('snapshot', snapshot(1, 'a'))
    test.handle.close()
    test.sources[0]!.emit('text-delta', text(2, 1, 'b'))
    expect(test.state()!.content).toBe('a')
    expect(test.sources[0]!.closed).toBe(true)
  })
})

describe('adoptSnapshot / streamUrlAfter', () => {
  it('keeps a newer state over an older snapshot and takes a newer snapshot', () => {
    const newer = snapshot(9, 'newer')
    expect(adoptSnapshot(newer, snapshot(3, 'old'))).toBe(newer)
    const fresh = snapshot(12, 'fresh')
    expect(adoptSnapshot(newer, fresh)).toBe(fresh)
  })

  it('probes GET /api/jobs/:id by default: the state, null on 404, refused on 401/403, an error otherwise, each with a time limit', async () => {
    const answers = [new Response(JSON.stringify({ state: snapshot(2, 'ab') }), { status: 200 }), new Response('{}', { status: 404 }), new Response('{}', { status: 502 }), new Response('{}', { status: 401 })]
    const requested: string[] = []
    const realFetch = globalThis.fetch
    globalThis.fetch = (async (url: string, init?: RequestInit) => {
      requested.push(url)
      expect(init?.signal).toBeInstanceOf(AbortSignal)
      return answers.shift()!
    }) as typeof fetch
    try {
      const probe = createFetchProbe('/api/jobs/j1/stream?after=3')
      expect((await probe())!.content).toBe('ab')
      expect(await probe()).toBeNull()
      await expect(probe()).rejects.toThrow('502')
      await expect(probe()).rejects.toBeInstanceOf(JobAccessDeniedError)
      expect(requested).toEqual(['/api/jobs/j1', '/api/jobs/j1', '/api/jobs/j1', '/api/jobs/j1'])
    }
    finally {
      globalThis.fetch = realFetch
    }
  })

  it('takes a snapshot of a later epoch even at a lower seq, never one of an earlier epoch', () => {
    const stale = snapshot(9, 'text the lost owner never stored')
    const takenOver = { ...snapshot(7, 'stored'), epoch: 2 }
    expect(adoptSnapshot(stale, takenOver)).toBe(takenOver)
    expect(adoptSnapshot(takenOver, snapshot(9, 'late GET from before'))).toBe(takenOver)
  })

  it('adds after= only when there is a seq, with the epoch after a takeover', () => {
    expect(streamUrlAfter('/s', 0)).toBe('/s')
    expect(streamUrlAfter('/s', 7)).toBe('/s?after=7')
    expect(streamUrlAfter('/s?x=1', 7)).toBe('/s?x=1&after=7')
    expect(streamUrlAfter('/s', { epoch: 1, seq: 7 })).toBe('/s?after=7')
    expect(streamUrlAfter('/s', { epoch: 3, seq: 7 })).toBe('/s?after=3%3A7')
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
