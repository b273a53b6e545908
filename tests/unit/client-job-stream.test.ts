import { describe, expect, it } from 'vitest'
import { createJobState } from '../../shared/reducer'
import type { JobState } from '../../shared/reducer'
import type { JobEvent } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import { followJobStream, REOPEN_BASE_DELAY_MS, REOPEN_MAX_ATTEMPTS, streamUrlAfter } from '../../app/lib/job-stream'
import type { EventSourceLike } from '../../app/lib/job-stream'
import { adoptSnapshot, applyLiveEvent } from '../../app/lib/job-state'

/** A scriptable EventSource: the test pushes frames and errors. */
class FakeEventSource implements EventSourceLike {
  readyState = 0
  onopen: ((event: Event) => void) | null = null
  onerror: ((event: Event) => void) | null = null
  closed = false
  private listeners = new Map<string, ((event: MessageEvent) => void)[]>()
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
  }
  close() {
    this.closed = true
    this.readyState = 2
  }
  emit(type: string, data: unknown) {
    for (const listener of this.listeners.get(type) ?? []) listener({ data: JSON.stringify(data) } as MessageEvent)
  }
  fail(readyState: number) {
    this.readyState = readyState
    this.onerror?.(new Event('error'))
  }
}

function harness() {
  const sources: FakeEventSource[] = []
  const timers: { callback: () => void, delayMs: number }[] = []
  let state: JobState | null = null
  let ended = 0
  let gaveUp = 0
  const handle = followJobStream({
    url: '/api/jobs/j1/stream',
    getSeq: () => state?.seq ?? 0,
    onSnapshot: snapshot => { state = adoptSnapshot(state, snapshot) },
    onEvent: event => { state = applyLiveEvent(state, event) },
    onEnd: () => { ended++ },
    onGiveUp: () => { gaveUp++ },
    createEventSource: url => {
      const source = new FakeEventSource(url)
      sources.push(source)
      return source
    },
    setTimer: (callback, delayMs) => timers.push({ callback, delayMs }),
    clearTimer: () => {},
  })
  return { sources, timers, handle, state: () => state, ended: () => ended, gaveUp: () => gaveUp }
}

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

  it('closes the EventSource on job-end so the browser does not reconnect and replay', () => {
    const test = harness()
    const source = test.sources[0]!
    source.emit('snapshot', snapshot(1, 'Hi'))
    source.emit('job-end', { type: 'job-end', seq: 2, at, status: 'completed', metrics: emptyMetrics() })
    expect(source.closed).toBe(true)
    expect(test.ended()).toBe(1)
    expect(test.state()!.status).toBe('completed')
  })

  it('leaves a network drop to the browser (CONNECTING) and reopens after ?after=<seq> once it gave up (CLOSED)', () => {
    const test = harness()
    test.sources[0]!.emit('snapshot', snapshot(5, 'abcde'))
    test.sources[0]!.fail(0)
    expect(test.timers).toHaveLength(0)
    test.sources[0]!.fail(2)
    expect(test.timers).toHaveLength(1)
    expect(test.timers[0]!.delayMs).toBe(REOPEN_BASE_DELAY_MS)
    test.timers[0]!.callback()
    expect(test.sources[1]!.url).toBe('/api/jobs/j1/stream?after=5')
    test.sources[1]!.emit('text-delta', text(6, 5, 'f'))
    expect(test.state()!.content).toBe('abcdef')
  })

  it('backs off and gives up after repeated failures that received nothing', () => {
    const test = harness()
    for (let attempt = 0; attempt < REOPEN_MAX_ATTEMPTS; attempt++) {
      test.sources.at(-1)!.fail(2)
      test.timers.at(-1)!.callback()
    }
    expect(test.timers.map(timer => timer.delayMs).slice(0, 3)).toEqual([1_000, 2_000, 4_000])
    test.sources.at(-1)!.fail(2)
    expect(test.gaveUp()).toBe(1)
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

  it('adds after= only when there is a seq', () => {
    expect(streamUrlAfter('/s', 0)).toBe('/s')
    expect(streamUrlAfter('/s', 7)).toBe('/s?after=7')
    expect(streamUrlAfter('/s?x=1', 7)).toBe('/s?x=1&after=7')
  })
})
