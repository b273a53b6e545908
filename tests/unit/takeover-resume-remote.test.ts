/**
 * The remote side of tests/unit/takeover-resume-snapshot.test.ts: a tab on an instance that only
 * follows the job comes back after another instance took it over, before the new owner stored
 * anything. The stored state is still the lost owner's epoch, and a tab that saw text that owner
 * never stored has a higher seq: its snapshot must carry the lease's epoch, or the tab keeps the
 * lost text and drops the new owner's events at the seqs it already had.
 */
import { describe, expect, it } from 'vitest'
import { adoptSnapshot, applyLiveEvent } from '../../app/lib/job-state'
import type { JobProvider, JobRecord } from '../../server/lib/providers/types'
import type { ViewerFrame } from '../../server/lib/viewer'
import type { JobEvent } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { inertViewerHub } from '../support/inert-viewer-hub'

describe('resuming across a takeover on a following instance', () => {
  it('replaces the text the lost owner never stored with the new owner\'s', async () => {
    const base = createJobState({ id: 'job', type: 'chat', createdAt: 0 })
    const stored: JobEvent[] = [{ type: 'text-delta', offset: 0, text: 'ab', seq: 1, at: 1 }]
    let listener: ((events: JobEvent[]) => void) | null = null
    const provider = {
      readEvents: async () => ({ events: [...stored], complete: true }),
      getState: async () => reduceEvents(base, stored),
      subscribe: (_id: string, onEvents: (events: JobEvent[]) => void) => {
        listener = onEvents
        return () => {}
      },
    } as unknown as JobProvider
    const hub = inertViewerHub(provider)
    // The tab saw "ab" (stored) and "cd" (seq 2, lost with its owner).
    let tab: JobState | null = reduceEvents(base, [...stored, { type: 'text-delta', offset: 2, text: 'cd', seq: 2, at: 2 }])
    const sink = {
      send: (frame: ViewerFrame) => {
        tab = frame.event === 'snapshot' ? adoptSnapshot(tab, frame.data) : applyLiveEvent(tab, frame.data)
      },
      comment: () => {},
      close: () => {},
    }
    const record = { id: 'job', userId: 'u', type: 'chat', status: 'running', createdAt: 0, lastSeq: 1, lease: { instanceId: 'b', epoch: 2, expiresAt: 1e12 } } as unknown as JobRecord
    await hub.attach(record, sink, { epoch: 1, seq: 2 })

    // The new owner goes on from the stored seq 1, under epoch 2.
    const next: JobEvent[] = [
      { type: 'text-delta', offset: 2, text: 'XY', seq: 2, at: 3, epoch: 2 },
      { type: 'text-delta', offset: 4, text: 'Z', seq: 3, at: 4, epoch: 2 },
      { type: 'job-end', status: 'completed', metrics: emptyMetrics(), seq: 4, at: 5, epoch: 2 },
    ]
    stored.push(...next)
    listener!(next)

    expect(reduceEvents(base, stored).content).toBe('abXYZ')
    expect(tab!.content).toBe('abXYZ')
    expect(tab!.seq).toBe(4)
  })
})
