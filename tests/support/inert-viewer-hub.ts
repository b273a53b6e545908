/**
 * A viewer hub on `provider` for tests that drive it by hand: no run on this instance, timers that
 * never fire (no heartbeat, no follower poll), a heartbeat of 1 s and no persist batching.
 */
import type { JobRun } from '../../server/lib/job-run'
import type { JobProvider } from '../../server/lib/providers/types'
import type { TimerSet } from '../../server/lib/timers'
import { createViewerHub } from '../../server/lib/viewer-hub'

export function inertViewerHub(provider: JobProvider) {
  return createViewerHub({
    provider,
    runs: new Map<string, JobRun>(),
    timers: { interval: () => () => {}, timeout: () => () => {} } as unknown as TimerSet,
    getConfig: () => ({ stream: { heartbeatMs: 1000 }, persist: { intervalMs: 0 } }) as never,
    notifications: {} as never,
  })
}
