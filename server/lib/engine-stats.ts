/**
 * The engine's counts of what it holds (runs, viewers, timers, pending inputs, notification sinks,
 * isolated calls, events not yet stored) and the ages of its oldest run and oldest open input
 * request: every one returns to zero when nothing runs and nobody watches — the leak check of the
 * tests, the benchmarks and the metrics route. Read when asked (a scrape), from what the runs hold.
 */
import type { EngineStats } from './engine-types'
import type { ToolIsolation } from './isolation/tool-pool'
import type { JobRun } from './job-run'
import { runTimerCount } from './job-run'
import type { NotificationHub } from './notifications'
import type { TimerSet } from './timers'
import type { createViewerHub } from './viewer-hub'

/** What the counts are read from. */
export interface EngineParts {
  runs: ReadonlyMap<string, JobRun>
  viewers: Pick<ReturnType<typeof createViewerHub>, 'count' | 'remoteFeeds'>
  notifications: NotificationHub
  engineTimers: Pick<TimerSet, 'size'>
  isolation?: Pick<ToolIsolation, 'stats'>
  /**
   * A monotonic clock, the one runs and input requests stamp their start with (`performance.now()`):
   * the ages are elapsed time, not moved by a wall-clock step. @default performance.now
   */
  monotonicNow?: () => number
}

/** Counts what the engine holds now. */
export function collectStats({ runs, viewers, notifications, engineTimers, isolation, monotonicNow = () => performance.now() }: EngineParts): EngineStats {
  const isolated = isolation?.stats()
  let jobTimers = 0
  let pendingInputs = 0
  let unpersistedEvents = 0
  let oldestStart = Number.POSITIVE_INFINITY
  let oldestAsked = Number.POSITIVE_INFINITY
  for (const run of runs.values()) {
    jobTimers += runTimerCount(run)
    pendingInputs += run.inputs.size
    unpersistedEvents += run.persist.pendingCount
    // A run another instance took over is no longer this instance's job, however long its code takes to return.
    if (run.abandoned) continue
    oldestStart = Math.min(oldestStart, run.monotonicStartedAt)
    oldestAsked = Math.min(oldestAsked, run.inputs.oldestAskedAt() ?? Number.POSITIVE_INFINITY)
  }
  const at = monotonicNow()
  const ageMs = (since: number) => (since === Number.POSITIVE_INFINITY ? 0 : Math.max(0, Math.round(at - since)))
  return {
    runs: runs.size,
    viewers: viewers.count(),
    remoteFeeds: viewers.remoteFeeds(),
    jobTimers,
    pendingInputs,
    notificationUsers: notifications.size,
    notificationSinks: [...notifications.sinks()].length,
    userFeeds: notifications.feeds,
    engineTimers: engineTimers.size,
    isolatedCalls: isolated?.calls ?? 0,
    isolatedCallsWaiting: isolated?.waiting ?? 0,
    isolationWorkers: isolated?.workers ?? 0,
    unpersistedEvents,
    oldestRunAgeMs: ageMs(oldestStart),
    oldestInputWaitMs: ageMs(oldestAsked),
  }
}
