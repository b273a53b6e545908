/**
 * Waits for a job's end through its stream (the same follower `useBackgroundJob` uses): resolves
 * once `job-end` arrived — the server sends it only once the end is stored — or the job is gone
 * (404); rejects when the follower gives up or is refused. A job a component of the tab already
 * follows is waited for on that stream (job-follower-registry.ts); a stream of its own opens only
 * when that follower stops otherwise (its last component left, it gave up or was refused).
 */
import type { JobStreamOptions } from './job-stream'
import { followJobStream } from './job-stream'
import { watchJobFollower } from './job-follower-registry'

/** Options passed through to the follower (tests: an event source, timers). */
export type WaitForEndOptions = Partial<Pick<JobStreamOptions, 'createEventSource' | 'probe' | 'setTimer' | 'clearTimer' | 'subscribeToWake'>> & {
  /** The API base for the stream URL. @default '' (same origin) */
  baseUrl?: string
}

/** Resolves once the job `jobId` has ended (or no longer exists). */
export function waitForJobEnd(jobId: string, options: WaitForEndOptions = {}): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const joined = watchJobFollower(jobId, (exit) => {
      if (exit === 'stopped') followToEnd(jobId, options).then(resolve, reject)
      else resolve()
    })
    if (!joined) followToEnd(jobId, options).then(resolve, reject)
  })
}

/** Follows the job's stream of its own until it has ended (or no longer exists). */
function followToEnd(jobId: string, options: WaitForEndOptions): Promise<void> {
  const { baseUrl = '', ...follower } = options
  return new Promise<void>((resolve, reject) => {
    let handle: { close: () => void } | null = null
    let settled = false
    const finish = (error?: Error) => {
      if (settled) return
      settled = true
      handle?.close()
      if (error) reject(error)
      else resolve()
    }
    let seq = 0
    handle = followJobStream({
      ...follower,
      url: `${baseUrl}/api/jobs/${encodeURIComponent(jobId)}/stream`,
      getSeq: () => seq,
      onSnapshot: (state) => {
        seq = state.seq
      },
      onEvent: (event) => {
        seq = event.seq
        if (event.type === 'job-end') finish()
      },
      onEnd: () => finish(),
      onLost: () => finish(),
      onGiveUp: () => finish(new Error(`Could not follow job ${jobId} to its end: its stream failed to open`)),
      onDenied: error => finish(error),
    })
    if (settled) handle.close()
  })
}
