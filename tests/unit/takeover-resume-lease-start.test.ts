/**
 * A tab on an instance that only follows a job taken over gets the stored state under the new
 * lease's epoch (`underLease`, under-lease.ts): a snapshot with id `<newEpoch>:<storedSeq>`. That
 * position is the stored state at the seq where the new lease began, so a reconnect from it needs
 * only what came after — not the whole snapshot again on every reconnect, which for a long answer
 * is the whole answer each time.
 */
import { describe, expect, it } from 'vitest'
import { adoptSnapshot, applyLiveEvent } from '../../app/lib/job-state'
import type { HeldLog } from '../../server/lib/catch-up'
import { catchUpFrames } from '../../server/lib/catch-up'
import type { JobProvider, JobRecord } from '../../server/lib/providers/types'
import type { ViewerFrame } from '../../server/lib/viewer'
import type { StreamPosition } from '../../shared/event-id'
import type { JobEvent } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { inertViewerHub } from '../support/inert-viewer-hub'

const base = createJobState({ id: 'job', type: 'chat', createdAt: 0 })
const delta = (seq: number, offset: number, text: string, epoch?: number, fromSeq?: number): JobEvent =>
  ({ type: 'text-delta', seq, at: seq, offset, text, ...(epoch ? { epoch } : {}), ...(fromSeq ? { fromSeq } : {}) })

function followingInstance(stored: JobEvent[]) {
  const provider = {
    readEvents: async () => ({ events: [...stored], complete: true }),
    getState: async () => reduceEvents(base, stored),
    subscribe: () => () => {},
  } as unknown as JobProvider
  const hub = inertViewerHub(provider)
  // Taken over by epoch 2, which has stored nothing yet.
  const record = { id: 'job', userId: 'u', type: 'chat', status: 'running', createdAt: 0, lastSeq: 2, lease: { instanceId: 'b', epoch: 2, expiresAt: 1e12 } } as unknown as JobRecord
  let tab: JobState | null = null
  /** One connection of the tab: the frames it got, and its position after them. */
  const connect = async (after: StreamPosition | null) => {
    const frames: ViewerFrame[] = []
    const sink = {
      send: (frame: ViewerFrame) => {
        frames.push(frame)
        tab = frame.event === 'snapshot' ? adoptSnapshot(tab, frame.data) : applyLiveEvent(tab, frame.data)
      },
      comment: () => {},
      close: () => {},
    }
    const attachment = await hub.attach(record, sink, after)
    attachment.detach()
    const last = frames.at(-1)
    return { frames: frames.map(frame => `${frame.event} ${frame.epoch ?? 1}:${frame.id}`), position: last ? { epoch: last.epoch ?? 1, seq: last.id } : after }
  }
  return { connect, tab: () => tab }
}

describe('resuming at the position where a new lease began, on a following instance', () => {
  it('gets nothing again, then only the new owner\'s events', async () => {
    const stored = [delta(1, 0, 'ab'), delta(2, 2, 'cd')]
    const { connect, tab } = followingInstance(stored)
    const first = await connect(null)
    expect(first.frames).toEqual(['snapshot 2:2'])

    // Reconnects before the new owner stored anything: nothing to send.
    const again = await connect(first.position)
    expect(again.frames).toEqual([])

    // The new owner stores its first event: only that one.
    stored.push(delta(3, 4, 'EF', 2))
    const later = await connect(again.position)
    expect(later.frames).toEqual(['text-delta 2:3'])
    expect(tab()!.content).toBe('abcdEF')
    expect(tab()!.seq).toBe(3)
  })

  it('still sends a snapshot where that epoch did not begin', () => {
    // Epoch 1 stored 1–3 (2–3 merged into one delta), epoch 2 began after 3.
    const events = [delta(1, 0, 'a'), delta(3, 1, 'bc', undefined, 2), delta(4, 3, 'd', 2)]
    const log: HeldLog = { events, complete: true, state: reduceEvents(base, events), baseState: base }
    const kinds = (after: StreamPosition) => catchUpFrames(log, after).map(frame => `${frame.event} ${frame.epoch ?? 1}:${frame.id}`)
    expect(kinds({ epoch: 2, seq: 3 })).toEqual(['text-delta 2:4'])
    // Before where epoch 2 began, or inside an older epoch's merged delta: not that state.
    expect(kinds({ epoch: 2, seq: 1 })).toEqual(['snapshot 2:4'])
    expect(kinds({ epoch: 2, seq: 2 })).toEqual(['snapshot 2:4'])
    // A later epoch than the one that wrote that seq: the lost owner's unstored text.
    expect(kinds({ epoch: 1, seq: 4 })).toEqual(['snapshot 2:4'])
    // Epoch 2 streamed seq 4 but died; epoch 3 stored its own seq 4: `2:4` is not that state.
    const rewritten = [delta(1, 0, 'a'), delta(3, 1, 'bc', undefined, 2), delta(4, 3, 'X', 3)]
    const log3: HeldLog = { events: rewritten, complete: true, state: reduceEvents(base, rewritten), baseState: base }
    expect(catchUpFrames(log3, { epoch: 2, seq: 4 }).map(frame => frame.event)).toEqual(['snapshot'])
    // Epoch 2 began at 3 and stored nothing; epoch 3 stored on from there: `2:3` is still that state.
    expect(catchUpFrames(log3, { epoch: 2, seq: 3 }).map(frame => `${frame.event} ${frame.id}`)).toEqual(['text-delta 4'])
  })
})
