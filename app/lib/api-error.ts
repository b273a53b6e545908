/** Reads the message out of an API error (`{ statusCode, message }` from h3) or anything thrown. */
import type { ApiErrorBody } from './api-types'

interface FetchErrorLike {
  data?: Partial<ApiErrorBody>
  statusCode?: number
  status?: number
  message?: string
}

/** The HTTP status of a failed `$fetch`, if any. */
export function apiErrorStatus(error: unknown): number | undefined {
  const candidate = error as FetchErrorLike | null
  return candidate?.data?.statusCode ?? candidate?.statusCode ?? candidate?.status
}

/** Said for a request that got no answer at all (the server is down, the network is gone). */
export const UNREACHABLE_MESSAGE = 'The server could not be reached; please try again.'

/** The server's own message, else what was thrown says (the fetch library's line for a failed request). */
function thrownMessage(error: unknown): string {
  const candidate = error as FetchErrorLike | null
  const message = candidate?.data?.message ?? candidate?.message
  if (typeof message === 'string' && message) return message
  return 'Something went wrong; please try again.'
}

/**
 * A message fit to show the user: the server's own message (`Job not found`, `answer: must be a
 * boolean`); a failed request without one — no answer at all, or the error page of a proxy in
 * front of the app — gets a sentence, not the fetch library's
 * `[GET] "/api/jobs/j1": <no response> Failed to fetch` or `…: 502 Bad Gateway`.
 */
export function apiErrorMessage(error: unknown): string {
  const candidate = error as (FetchErrorLike & { name?: string }) | null
  const serverMessage = candidate?.data?.message
  if (typeof serverMessage === 'string' && serverMessage) return serverMessage
  if (candidate?.name !== 'FetchError') return thrownMessage(error)
  const status = apiErrorStatus(error)
  if (status === undefined) return UNREACHABLE_MESSAGE
  if (status >= 500) return `The server had a problem (error ${status}); please try again.`
  return `Something went wrong (error ${status}); please try again.`
}

/**
 * What `useBackgroundJobs()`'s requests reject with: `message` is the server's own message
 * (`messages: must hold at least one message`, `Too many job creations: …`), not the fetch
 * library's `[POST] "/api/jobs": 400 RequestError`. `status` is undefined when no answer came (the
 * server or the network is down); `data` is the response body, as on a `$fetch` error.
 */
export class BackgroundJobsApiError extends Error {
  override name = 'BackgroundJobsApiError'
  /** The HTTP status, or undefined when the request got no answer. */
  readonly status: number | undefined
  /** The response body (`{ statusCode, message }`), when there was one. */
  readonly data: Partial<ApiErrorBody> | undefined

  constructor(cause: unknown) {
    // The fetch library's line when the server said nothing (tests and apps read the URL in it).
    super(thrownMessage(cause), { cause })
    this.status = apiErrorStatus(cause)
    this.data = (cause as FetchErrorLike | null)?.data
  }

  /** The same as `status` (h3's name for it). */
  get statusCode(): number | undefined {
    return this.status
  }
}

/** Runs a request; a failure rejects as a `BackgroundJobsApiError`. */
export async function withApiError<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request()
  }
  catch (error) {
    throw new BackgroundJobsApiError(error)
  }
}
