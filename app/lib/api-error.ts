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

/** A message fit to show the user. */
export function apiErrorMessage(error: unknown): string {
  const candidate = error as FetchErrorLike | null
  const message = candidate?.data?.message ?? candidate?.message
  if (typeof message === 'string' && message) return message
  return 'Something went wrong; please try again.'
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
    super(apiErrorMessage(cause), { cause })
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
