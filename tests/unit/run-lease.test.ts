/**
 * The owner's lease: a refused heartbeat stops the local run, and the reason says whether another
 * instance took the job over or the store no longer has it (a Redis restart without its data).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobRun } from '../../server/lib/job-run'
import { silentLogger } from '../../server/lib/logger'
import type { JobRecord } from '../../server/lib/providers/types'
import type { SharedProvider } from '../../server/lib/run-lease'
import { holdLease } from '../../server/lib/run-lease'
import { createTimerSet } from '../../server/lib/timers'

function fakeRun() {
  const timers = createTimerSet()
  return {
    timers,
    run: {
      record: { id: 'job-1', userId: 'user-1' },
      timers,
      live: { ended: false, ending: false },
      config: { lease: { durationMs: 15_000, heartbeatMs: 5_000 } },
    } as unknown as JobRun,
  }
}

function fakeProvider(stored: JobRecord | null): SharedProvider {
  return {
    subscribeControls: () => () => {},
    heartbeatLease: async () => false,
    get: async () => stored,
  } as unknown as SharedProvider
}

describe('holdLease', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a refused heartbeat stops the run: lost to another instance while the store has the job, gone when it does not', async () => {
    for (const [stored, reason] of [[{ id: 'job-1' } as JobRecord, 'lease lost to another instance'], [null, 'the job is no longer in the store']] as const) {
      const { run, timers } = fakeRun()
      const lost: string[] = []
      const stop = holdLease(run, { instanceId: 'a', epoch: 1, expiresAt: 0 }, { provider: fakeProvider(stored), logger: silentLogger, onControl: async () => ({ ok: true }), onLost: (_, why) => lost.push(why) })
      await vi.advanceTimersByTimeAsync(5_000)
      expect(lost).toEqual([reason])
      stop()
      timers.clearAll()
    }
  })
})
