/**
 * Waits for a job's end through its stream (the same follower `useBackgroundJob` uses): resolves
 * once `job-end` arrived — the server sends it only once the end is stored — or the job is gone
 * (404); rejects when the follower gives up or is refused.
 */
import type { JobStreamOptions } from './job-stream'
import { followJobStream } from './job-stream'

/** Options passed through to the follower (tests: an event source, timers). */
export type WaitForEndOptions = Partial<Pick<JobStreamOptions, 'createEventSource' | 'probe' | 'setTimer' | 'clearTimer' | 'subscribeToWake'>> & {
  /** The API base for the stream URL. @default '' (same origin) */
  baseUrl?: string
}

/** Resolves once the job `jobId` has ended (or no longer exists). */
export function waitForJobEnd(jobId: string, options: WaitForEndOptions = {}): Promise<void> {
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
