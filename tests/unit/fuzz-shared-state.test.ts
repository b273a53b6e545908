/**
 * Property tests of the state every client and server path shares: folding a log with duplicates,
 * replays and reorderings of what was already applied gives the state of folding it once; a
 * snapshot taken at any seq (sent as JSON) plus the rest gives the whole fold; `adoptSnapshot`
 * never goes back within an epoch and always takes a later one. Seeded, so every run is the same.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { applyEvent, createJobState, deltaLeavesGap, reduceEvents } from '../../shared/reducer'
import type { JobState } from '../../shared/reducer'
import { adoptSnapshot, applyLiveEvent } from '../../app/lib/job-state'
import { LOG, PAYLOADS, numberLog } from '../support/random-job-log'

const SEED = 1818
const BASE = createJobState({ id: 'job', type: 'workflow', createdAt: 1_000 })
const fold = (events: readonly JobEvent[], from: JobState = BASE) => reduceEvents(from, events)
/** What a snapshot frame or `GET` gives a client: the state through JSON. */
const overJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

describe('shared state properties', () => {
  it('any event applied twice, or a duplicate stream interleaved with older events, folds to the same state as once', () => {
    fc.assert(fc.property(LOG, fc.array(fc.nat(), { maxLength: 30 }), (events, picks) => {
      const once = fold(events)
      expect(fold(events.flatMap(event => [event, event]))).toEqual(once)
      // Each live event may be followed by a random earlier one (a replay overlapping the live stream).
      const noisy: JobEvent[] = []
      events.forEach((event, index) => {
        noisy.push(event)
        const pick = picks[index % Math.max(1, picks.length)]
        if (pick !== undefined && index > 0) noisy.push(events[pick % index]!)
      })
      expect(fold(noisy)).toEqual(once)
      expect(fold([...events, ...events])).toEqual(once)
    }), { seed: SEED, numRuns: 300 })
  })

  it('a snapshot at any k, through JSON, plus the tail equals the full fold (and is equal through JSON itself)', () => {
    fc.assert(fc.property(LOG, (events) => {
      const whole = fold(events)
      for (let k = 0; k <= events.length; k++) {
        const snapshot = overJson(fold(events.slice(0, k)))
        expect(fold(events.slice(k), snapshot)).toEqual(whole)
        // The client's path: adopt, then apply live events (some already in the snapshot).
        let state: JobState | null = adoptSnapshot(null, snapshot)
        for (const event of events.slice(Math.max(0, k - 2))) state = applyLiveEvent(adoptSnapshot(state, snapshot), event)
        expect(state).toEqual(whole)
      }
      expect(overJson(whole)).toEqual(whole)
    }), { seed: SEED, numRuns: 150 })
  })

  it('adoptSnapshot never goes back to an earlier seq of the same epoch, and always adopts a later epoch', () => {
    const STATE = fc.record({ seq: fc.nat({ max: 50 }), epoch: fc.integer({ min: 1, max: 4 }), id: fc.constantFrom('job', 'other') })
      .map(({ seq, epoch, id }) => ({ ...createJobState({ id, type: 'chat', createdAt: 0 }), seq, ...(epoch > 1 ? { epoch } : {}) }))
    fc.assert(fc.property(fc.option(STATE, { nil: null }), STATE, (current, snapshot) => {
      const kept = adoptSnapshot(current, snapshot)
      expect([current, snapshot]).toContain(kept)
      if (!current || current.id !== snapshot.id) return void expect(kept).toBe(snapshot)
      const [now, then] = [current.epoch ?? 1, snapshot.epoch ?? 1]
      if (then > now) expect(kept).toBe(snapshot)
      if (then < now) expect(kept).toBe(current)
      if (then === now) expect(kept.seq).toBe(Math.max(current.seq, snapshot.seq))
      // Adopting is idempotent and order of two snapshots of one job does not matter.
      expect(adoptSnapshot(kept, snapshot)).toBe(kept)
    }), { seed: SEED, numRuns: 1000 })
  })

  it('after a takeover, the new owner\'s snapshot replaces unstored text and its events fold on top', () => {
    fc.assert(fc.property(PAYLOADS, PAYLOADS, fc.nat(), (stored, rest, cutSeed) => {
      const first = numberLog(stored)
      const cut = cutSeed % (first.length + 1)
      const lostTail = first.slice(cut) // streamed by the lost owner, never stored
      const after = numberLog(rest, cut + 1, 2)
      const viewer = fold(first) // a tab that saw everything the lost owner streamed
      const snapshot = overJson(fold(first.slice(0, cut)))
      const adopted = adoptSnapshot(viewer, { ...snapshot, epoch: 2 })
      expect(adopted.epoch).toBe(2)
      // Stale events of the lost owner arriving late change nothing.
      expect(fold(lostTail, adopted)).toBe(adopted)
      expect(fold(after, adopted)).toEqual(fold(after, { ...fold(first.slice(0, cut)), epoch: 2 }))
    }), { seed: SEED, numRuns: 200 })
  })

  it('deltaLeavesGap is true exactly when a live delta starts past the text applyEvent would extend', () => {
    fc.assert(fc.property(LOG, fc.nat({ max: 5 }), fc.nat(), (events, skip, cutSeed) => {
      const state = fold(events.slice(0, cutSeed % (events.length + 1)))
      const delta: JobEvent = { type: 'text-delta', seq: state.seq + 1, at: 0, offset: state.content.length + skip, text: 'x' }
      const ended = ['completed', 'failed', 'aborted'].includes(state.status)
      expect(deltaLeavesGap(state, delta)).toBe(!ended && skip > 0)
      if (!ended) expect(applyEvent(state, delta).content.length).toBe(state.content.length + (skip > 0 ? 0 : 1))
    }), { seed: SEED, numRuns: 300 })
  })
})
