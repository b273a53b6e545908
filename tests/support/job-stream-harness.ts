/**
 * A `followJobStream` with every outside dependency scripted (tests/unit/client-job-stream*.test.ts):
 * fake EventSources, timers the test runs, a clock it sets, probe answers it queues and a wake
 * signal it fires; plus small job state and event fixtures.
 */
import { createJobState, deltaLeavesGap } from '../../shared/reducer'
import type { JobState } from '../../shared/reducer'
import type { JobEvent } from '../../shared/events'
import { followJobStream } from '../../app/lib/job-stream'
import type { JobConnectionState } from '../../app/lib/job-stream'
import { adoptSnapshot, applyLiveEvent } from '../../app/lib/job-state'
import { FakeEventSource } from './fake-event-source'

/** What the fake server answers to the follower's probe: a state, gone (null), unreachable (an Error), or later (a promise the test settles: a probe in flight). */
type ProbeAnswer = JobState | null | Error | Promise<JobState | null>

/** Lets pending promise callbacks (the probe's answer) run; no timers involved. */
export async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) await Promise.resolve()
}

/** A follower of job j1 on fakes; `staleAfterMs` is off unless a test turns it on (its timers would mix with the retry timers). */
export function harness(settings: { staleAfterMs?: number } = {}) {
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
    // As useBackgroundJob does.
    leavesGap: event => deltaLeavesGap(state, event),
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
      return await answer
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

/** What a probe throws when the server cannot be reached. */
export const unreachable = () => new Error('connect ECONNREFUSED')

/** The time every fixture event and state carries. */
export const at = 1_000
/** A running job's state at `seq` with `content`. */
export const snapshot = (seq: number, content: string): JobState => ({ ...createJobState({ id: 'j1', type: 'chat', createdAt: at, status: 'running' }), seq, content })
/** A text delta event. */
export const text = (seq: number, offset: number, value: string): JobEvent => ({ type: 'text-delta', seq, at, offset, text: value })

/** A follower of job j1 whose stream opened with a snapshot at `seq` holding `content`. */
export function openedAt(seq: number, content: string): ReturnType<typeof harness> {
  const test = harness()
  test.sources[0]!.open()
  test.sources[0]!.emit('snapshot', snapshot(seq, content), String(seq))
  return test
}

/**
 * Brings a follower to offline: its stream opens with a snapshot at seq 3, breaks, and the server
 * stays unreachable through the six retries of the backoff.
 */
export async function breakUntilOffline(test: ReturnType<typeof harness>): Promise<void> {
  test.sources[0]!.open()
  test.sources[0]!.emit('snapshot', snapshot(3, 'abc'))
  test.sources[0]!.fail(0)
  for (let attempt = 0; attempt < 6; attempt++) await test.runTimer(unreachable())
}
