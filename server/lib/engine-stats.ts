/**
 * The engine's counts of what it holds (runs, viewers, timers, pending inputs, notification sinks,
 * isolated calls, events not yet stored): every one returns to zero when nothing runs and nobody
 * watches — the leak check of the tests, the benchmarks and the metrics route.
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
}

/** Counts what the engine holds now. */
export function collectStats({ runs, viewers, notifications, engineTimers, isolation }: EngineParts): EngineStats {
  const isolated = isolation?.stats()
  let jobTimers = 0
  let pendingInputs = 0
  let unpersistedEvents = 0
  for (const run of runs.values()) {
    jobTimers += runTimerCount(run)
    pendingInputs += run.inputs.size
    unpersistedEvents += run.persist.pendingCount
  }
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
    isolationWorkers: isolated?.workers ?? 0,
    unpersistedEvents,
  }
}
