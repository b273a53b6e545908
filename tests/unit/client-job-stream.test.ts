import { describe, expect, it } from 'vitest'
import { createJobState } from '../../shared/reducer'
import type { JobState } from '../../shared/reducer'
import type { JobEvent } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import { createFetchProbe, followJobStream, REOPEN_BASE_DELAY_MS, REOPEN_MAX_ATTEMPTS, REOPEN_MAX_DELAY_MS, streamUrlAfter } from '../../app/lib/job-stream'
import type { EventSourceLike, JobConnectionState } from '../../app/lib/job-stream'
import { adoptSnapshot, applyLiveEvent } from '../../app/lib/job-state'
import { FakeEventSource } from '../support/fake-event-source'

/** What the fake server answers to the follower's probe: a state, gone (null), or unreachable (an Error). */
type ProbeAnswer = JobState | null | Error

/** Lets pending promise callbacks (the probe's answer) run; no timers involved. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) await Promise.resolve()
}

function harness() {
  const sources: FakeEventSource[] = []
  const timers: { callback: () => void, delayMs: number, cleared: boolean }[] = []
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
    timers.at(-1)!.callback()
    await settle()
  }
  return { sources, timers, handle, states, runTimer, probes: () => probes, state: () => state, ended: () => ended, gaveUp: () => gaveUp, lost: () => lost }
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

  it('probes GET /api/jobs/:id by default: the state, null on 404, an error otherwise', async () => {
    const answers = [new Response(JSON.stringify({ state: snapshot(2, 'ab') }), { status: 200 }), new Response('{}', { status: 404 }), new Response('{}', { status: 502 })]
    const requested: string[] = []
    const realFetch = globalThis.fetch
    globalThis.fetch = (async (url: string) => {
      requested.push(url)
      return answers.shift()!
    }) as typeof fetch
    try {
      const probe = createFetchProbe('/api/jobs/j1/stream?after=3')
      expect((await probe())!.content).toBe('ab')
      expect(await probe()).toBeNull()
      await expect(probe()).rejects.toThrow('502')
      expect(requested).toEqual(['/api/jobs/j1', '/api/jobs/j1', '/api/jobs/j1'])
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
