/**
 * A tab that watched an owner stream text it never stored comes back after another instance took
 * the job over. Its position (`1:<seq>`) is past the new owner's log, so it gets a snapshot — and
 * that snapshot must win over the tab's state, or the tab keeps the lost text and drops the new
 * owner's events at the seqs it already had (found by tests/unit/resume-fuzz.test.ts).
 */
import { describe, expect, it } from 'vitest'
import { adoptSnapshot, applyLiveEvent } from '../../app/lib/job-state'
import { createBatchClock } from '../../server/lib/batch-clock'
import type { JobRun } from '../../server/lib/job-run'
import { LiveJob } from '../../server/lib/live-job'
import type { PersistQueue } from '../../server/lib/persist-queue'
import { eventBytes } from '../../server/lib/persist-queue'
import type { JobProvider, JobRecord } from '../../server/lib/providers/types'
import type { TimerSet } from '../../server/lib/timers'
import type { ViewerFrame } from '../../server/lib/viewer'
import { createViewerHub } from '../../server/lib/viewer-hub'
import type { JobEvent } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { createJobState, reduceEvents } from '../../shared/reducer'

describe('resuming across a takeover', () => {
  it('replaces the text the lost owner never stored with the new owner\'s', async () => {
    const clock = createBatchClock()
    const pushed: JobEvent[] = []
    const persist = { push: (event: JobEvent) => void pushed.push(event), flush: async () => 'stored', sizeOf: eventBytes, maxEventBytes: Number.POSITIVE_INFINITY, pendingCount: 0, writes: 0, close: () => {} } as unknown as PersistQueue
    const base = createJobState({ id: 'job', type: 'chat', createdAt: 0 })
    const record = { id: 'job', userId: 'u', type: 'chat', status: 'running', createdAt: 0, lastSeq: 0, lease: { instanceId: 'a', epoch: 1, expiresAt: 1e12 } } as unknown as JobRecord
    const runs = new Map<string, JobRun>()
    const hub = createViewerHub({
      provider: {} as JobProvider,
      runs,
      timers: { interval: () => () => {}, timeout: () => () => {} } as unknown as TimerSet,
      getConfig: () => ({ stream: { heartbeatMs: 1000 } }) as never,
      notifications: {} as never,
    })
    let tab: JobState | null = null
    const sink = {
      send: (frame: ViewerFrame) => {
        tab = frame.event === 'snapshot' ? adoptSnapshot(tab, frame.data) : applyLiveEvent(tab, frame.data)
      },
      comment: () => {},
      close: () => {},
    }

    // The first owner streams "ab" (stored) and "cd" (lost with it); the tab saw both.
    const first = new LiveJob({ state: base, clock, persist, batchWindowMs: 0, now: () => 1 })
    runs.set('job', { record, live: first, abandoned: false } as unknown as JobRun)
    await hub.attach(record, sink, null)
    first.delta('text-delta', 'ab')
    const stored = [...pushed]
    first.delta('text-delta', 'cd')
    expect(tab!.content).toBe('abcd')
    first.close()

    // Another instance resumes from what was stored, with the next epoch; the tab comes back.
    const second = new LiveJob({ state: reduceEvents(base, stored), clock, persist, batchWindowMs: 0, now: () => 2, epoch: 2 })
    runs.set('job', { record: { ...record, lease: { instanceId: 'b', epoch: 2, expiresAt: 1e12 } }, live: second, abandoned: false } as unknown as JobRun)
    await hub.attach(record, sink, { epoch: tab!.epoch ?? 1, seq: tab!.seq })
    second.delta('text-delta', 'XY')
    second.delta('text-delta', 'Z')
    second.end({ type: 'job-end', status: 'completed', metrics: emptyMetrics() })
    second.reportEnd()

    expect(second.state.content).toBe('abXYZ')
    expect(tab!.content).toBe('abXYZ')
    expect(tab!.seq).toBe(second.state.seq)
    clock.dispose()
  })
})
