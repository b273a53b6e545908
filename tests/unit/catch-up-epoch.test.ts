/**
 * The lease epoch on the wire: ids are `<seq>` in the first epoch and `<epoch>:<seq>` after a
 * takeover, both parsed back; a resume position from another epoch at that seq gets a snapshot
 * (the viewer's text came from an owner that died before storing it), one from the same epoch
 * gets just the missed events.
 */
import { describe, expect, it } from 'vitest'
import { formatEventId, parseEventId } from '../../shared/event-id'
import type { JobEvent } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import type { HeldLog } from '../../server/lib/catch-up'
import { catchUpFrames, parseLastEventId } from '../../server/lib/catch-up'
import { formatFrame } from '../../server/lib/http/sse-sink'
import { eventFrame } from '../../server/lib/viewer'

const base = createJobState({ id: 'j', type: 'chat', createdAt: 0 })
const delta = (seq: number, offset: number, text: string, epoch?: number): JobEvent => ({ type: 'text-delta', seq, at: seq, offset, text, ...(epoch ? { epoch } : {}) })

/** Stored log: epoch 1 stored seqs 1–3 ("abc"), then epoch 2 took over and wrote 4–5 ("de"). */
function takenOverLog(): HeldLog {
  const events = [delta(1, 0, 'a'), delta(2, 1, 'b'), delta(3, 2, 'c'), delta(4, 3, 'd', 2), delta(5, 4, 'e', 2)]
  return { events, complete: true, state: reduceEvents(base, events), baseState: base }
}

describe('event ids', () => {
  it('formats <seq> in the first epoch and <epoch>:<seq> after, and parses both', () => {
    expect(formatEventId(12)).toBe('12')
    expect(formatEventId(12, 1)).toBe('12')
    expect(formatEventId(12, 3)).toBe('3:12')
    expect(parseEventId('12')).toEqual({ epoch: 1, seq: 12 })
    expect(parseEventId(' 3:12 ')).toEqual({ epoch: 3, seq: 12 })
    expect(parseEventId(7)).toEqual({ epoch: 1, seq: 7 })
    for (const garbage of ['', 'x', '-1', '1.5', '0:4', ':4', '4:', '1:2:3', null, undefined, {}]) expect(parseEventId(garbage)).toBeNull()
    expect(parseLastEventId('2:5')).toEqual({ epoch: 2, seq: 5 })
  })

  it('writes the epoch into the SSE id only after a takeover', () => {
    const first = eventFrame(delta(4, 3, 'd'))
    const second = eventFrame(delta(4, 3, 'd', 2))
    expect(formatFrame(first.event, formatEventId(first.id, first.epoch), {})).toMatch(/^id: 4\n/)
    expect(formatFrame(second.event, formatEventId(second.id, second.epoch), {})).toMatch(/^id: 2:4\n/)
  })
})

describe('catch-up across epochs', () => {
  it('replays only the missed events to a position of the epoch that wrote that seq', () => {
    const log = takenOverLog()
    expect(catchUpFrames(log, { epoch: 1, seq: 3 }).map(frame => [frame.event, frame.id, frame.epoch])).toEqual([['text-delta', 5, 2]])
    expect(catchUpFrames(log, { epoch: 2, seq: 4 }).map(frame => frame.id)).toEqual([5])
    expect(catchUpFrames(log, { epoch: 2, seq: 5 })).toEqual([])
    // Where epoch 2 began: the stored state at 3 under the new lease's epoch (a snapshot of it).
    expect(catchUpFrames(log, { epoch: 2, seq: 3 }).map(frame => [frame.event, frame.id, frame.epoch])).toEqual([['text-delta', 5, 2]])
  })

  it('sends a snapshot (with its epoch) to a position the new owner rewrote', () => {
    const log = takenOverLog()
    // The lost owner had streamed seq 4 and 5 with other text before dying.
    for (const stale of [{ epoch: 1, seq: 4 }, { epoch: 1, seq: 5 }, { epoch: 2, seq: 2 }]) {
      const frames = catchUpFrames(log, stale)
      expect(frames).toHaveLength(1)
      expect(frames[0]).toMatchObject({ event: 'snapshot', id: 5, epoch: 2, data: { content: 'abcde', epoch: 2 } })
    }
  })

  it('judges a position at the start of a resumed run by the state it resumed from', () => {
    const resumedFrom = { ...reduceEvents(base, [delta(1, 0, 'a'), delta(2, 1, 'b')]) }
    const events = [delta(3, 2, 'c', 2)]
    const log: HeldLog = { events, complete: true, state: reduceEvents(resumedFrom, events), baseState: resumedFrom }
    expect(catchUpFrames(log, { epoch: 1, seq: 2 }).map(frame => frame.id)).toEqual([3])
    // The state it resumed from, under the new lease's epoch (live-job.ts, underLease): the same state.
    expect(catchUpFrames(log, { epoch: 2, seq: 2 }).map(frame => frame.id)).toEqual([3])
    expect(catchUpFrames(log, { epoch: 2, seq: 1 })[0]!.event).toBe('snapshot')
  })

  it('sends a snapshot for an epoch no lease of the job has had (a position never issued)', () => {
    // Epoch 1 only, held to its end: a viewer claiming epoch 2 or 3 there holds no state the
    // server gave (engine-fuzz seed 205: it got the job-end next with no snapshot before it).
    const events = [delta(1, 0, 'a'), delta(2, 1, 'b'), delta(3, 2, 'c')]
    const log: HeldLog = { events, complete: true, state: reduceEvents(base, events), baseState: base }
    for (const epoch of [2, 3]) {
      expect(catchUpFrames(log, { epoch, seq: 3 }, 1).map(frame => frame.event)).toEqual(['snapshot'])
      expect(catchUpFrames(log, { epoch, seq: 2 }, 1).map(frame => frame.event)).toEqual(['snapshot'])
    }
    // Once the record's lease is at that epoch (taken over, nothing stored yet), the position is
    // where that lease began: nothing to send (takeover-resume-lease-start.test.ts).
    expect(catchUpFrames(log, { epoch: 2, seq: 3 }, 2)).toEqual([])
    // Epoch 1 itself is unchanged.
    expect(catchUpFrames(log, { epoch: 1, seq: 3 }, 1)).toEqual([])
    expect(catchUpFrames(log, { epoch: 1, seq: 2 }, 1).map(frame => frame.event)).toEqual(['text-delta'])
  })
})
