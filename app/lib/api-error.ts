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
