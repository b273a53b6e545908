/**
 * The AI SDK page's `error` in words for people. The SDK's transport puts a refused request's
 * whole response body in the error's message (`{ "error": true, "url": …, "statusCode": 400, … }`)
 * and a request that got no answer is a bare `Failed to fetch`: both become what the main chat
 * says (lib/wording.ts). A failed answer's own message (the job's error) is shown as it is.
 * Pure, so it is unit-tested.
 */
import { failureText, unreachableText } from './wording'

/** What the SDK's `APICallError` carries besides its message. */
interface CallErrorLike {
  statusCode?: unknown
  responseBody?: unknown
}

/** The server's `message` in a JSON error body, if it has one. */
function bodyMessage(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined
  try {
    const message = (JSON.parse(body) as { message?: unknown } | null)?.message
    return typeof message === 'string' && message ? message : undefined
  }
  catch {
    return undefined
  }
}

/** `error.message` of `useChat`, as the page shows it. */
export function chatErrorText(error: Error): string {
  const { statusCode, responseBody } = error as Error & CallErrorLike
  if (typeof statusCode === 'number') {
    const message = bodyMessage(responseBody)
    return failureText({ statusCode, ...(message ? { data: { message } } : {}) }, 'send')
  }
  if (error instanceof TypeError) return unreachableText('send')
  return error.message
}
