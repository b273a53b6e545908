/**
 * The AI SDK's transport puts a refused request's whole response body in `chat.error.message`
 * (`createUIApiCallError` in `ai`: the body's text, whatever its type), so the JSON error body of
 * the routes reached the app as `{"error":true,"url":…}`. On the routes the transport calls
 * (`POST /api/jobs/chat`, `GET /api/jobs/chat/:chatId/stream`), an error is therefore answered as
 * its message in plain text — as the AI SDK's own route examples answer (`new Response('no active
 * stream for chat id …', { status: 404 })`) — unless the request asks for JSON (`Accept:
 * application/json`, which `$fetch` sends): then it is the JSON body of every other route. Status
 * and headers (`Retry-After`, `WWW-Authenticate`) are the same either way (docs/ai-sdk.md,
 * "Refused requests"; docs/api.md).
 */
import { STATUS_CODES } from 'node:http'
import type { H3Event } from 'h3'
import { getRequestHeader, isError, setResponseHeader, setResponseStatus } from 'h3'

/** A JSON media type: `application/json`, or a structured `+json` one (`application/problem+json`). */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json$/

/** Whether the request's `Accept` names a JSON type it takes (`q` above 0); `*\/*` or none does not. */
export function acceptsJson(event: H3Event): boolean {
  const accept = getRequestHeader(event, 'accept')
  if (!accept) return false
  return accept.split(',').some((range) => {
    const [type, ...parameters] = range.split(';').map(part => part.trim().toLowerCase())
    if (!type || !JSON_MEDIA_TYPE.test(type)) return false
    const quality = parameters.find(parameter => parameter.startsWith('q='))
    return quality === undefined || Number(quality.slice(2)) > 0
  })
}

/**
 * The sentence a client may read: an h3 error's message (ours, made by `toHttpError`, or the app's
 * own `createError` — written for the client), never that of another thrown value that merely has a
 * `statusCode` (a hook's plain `Error`: its text may name internals), nor of one h3 marks
 * unhandled — for those the status's own phrase, as Nitro's JSON answer hides their message too.
 */
function clientSentence(error: { statusCode?: number, message: string }, statusCode: number): string {
  if (isError(error) && !error.unhandled && error.message) return error.message
  return statusCode >= 500 ? 'Internal error' : STATUS_CODES[statusCode] ?? 'Error'
}

/** Answers `error` (as `toHttpError` made it) with its status and its message as `text/plain`. */
export function sendErrorAsText(event: H3Event, error: { statusCode?: number, statusMessage?: string, message: string }): string {
  const statusCode = error.statusCode || 500
  setResponseStatus(event, statusCode, error.statusMessage)
  setResponseHeader(event, 'content-type', 'text/plain; charset=utf-8')
  return clientSentence(error, statusCode)
}
