/**
 * The follower's question to the server when its stream broke or went quiet: `GET /api/jobs/:id`.
 * Found → the job's state; gone (404) → null; refused (401/403: signed out, or no longer allowed)
 * → a `JobAccessDeniedError`, after which asking again is pointless; anything else (no answer, a
 * 5xx, no answer within `PROBE_TIMEOUT_MS`) → a plain throw: unreachable, ask again later.
 */
import type { JobState } from '../../shared/reducer'

/** What the server says about the job: its state, or `null` when it is gone (404). Throws when unreachable or refused. */
export type JobProbe = () => Promise<JobState | null>

/**
 * The longest a probe waits for its answer. A request on a connection that died silently (a laptop
 * that slept, a phone that changed networks) would otherwise wait for ever.
 */
export const PROBE_TIMEOUT_MS = 10_000

/** The server refused to say (401: signed out; 403: not allowed): the follower stops. */
export class JobAccessDeniedError extends Error {
  override name = 'JobAccessDeniedError'
  constructor(readonly status: 401 | 403) {
    super(status === 401 ? 'You are signed out: sign in again to follow this job.' : 'The server no longer lets you follow this job.')
  }
}

/** The statuses that mean "refused", not "unreachable". */
export function isAccessDeniedStatus(status: number | undefined): status is 401 | 403 {
  return status === 401 || status === 403
}

/** `GET /api/jobs/:id` for a stream URL `/api/jobs/:id/stream`: the job's state, null on 404. */
export function createFetchProbe(streamUrl: string): JobProbe {
  const jobUrl = streamUrl.replace(/\/stream(?=\?|$)/, '').replace(/\?.*$/, '')
  return async () => {
    // `include`: an API on another origin (`trustedOrigins`) gets the user's cookie, as the stream does.
    const response = await fetch(jobUrl, { headers: { accept: 'application/json' }, credentials: 'include', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })
    if (response.status === 404) return null
    if (isAccessDeniedStatus(response.status)) throw new JobAccessDeniedError(response.status)
    if (!response.ok) throw new Error(`job probe answered ${response.status}`)
    return ((await response.json()) as { state: JobState }).state
  }
}
