/**
 * The AI SDK page's `error` in words for people. The SDK's transport puts a refused request's
 * whole response body in the error's message (the chat routes' message as plain text; a proxy's
 * error page) and a request that got no answer is a bare `Failed to fetch`: both become what the
 * main chat says (lib/wording.ts). A failed answer's own message (the job's error) is shown as it is.
 * Pure, so it is unit-tested.
 */
import { failureText, unreachableText } from './wording'

/** What the SDK's `APICallError` carries besides its message. */
interface CallErrorLike {
  statusCode?: unknown
  responseBody?: unknown
}

/**
 * The server's message: the chat routes answer the SDK's transport with it as plain text; a JSON
 * error body (a server before that, or a client that asks for JSON) has it as `message`. A page of
 * markup (a proxy's error page) is not a message.
 */
function bodyMessage(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined
  const text = body.trim()
  if (text.startsWith('{')) {
    try {
      const message = (JSON.parse(text) as { message?: unknown } | null)?.message
      return typeof message === 'string' && message ? message : undefined
    }
    catch {
      return undefined
    }
  }
  return text && !text.startsWith('<') ? text : undefined
}

/** An approval answered on the page that was no longer waiting (the main chat's wording for an input request). */
export const APPROVAL_GONE_TEXT = 'This approval was already answered or has expired.'

/** A request the server refused for that: the page then reads the chat again, to show where it stands. */
export function isApprovalGone(error: Error | undefined): boolean {
  return (error as (Error & CallErrorLike) | undefined)?.statusCode === 409
}

/**
 * A post the chat route answered (its job took the message) whose stream then broke (the connection
 * dropped, the server restarted): the answer may run on there; the page reads the chat again once
 * the server is back (its notification stream reconnects).
 */
export const STREAM_BROKE_TEXT = 'Lost the connection to the server — your message was sent and its answer may still be running there. It is shown again once the server is back.'
/** The same when the post was approval answers (the route took them, the job went on): no new message was sent. */
export const STREAM_BROKE_AFTER_ANSWER_TEXT = 'Lost the connection to the server — your answer was sent and the chat may still be going on there. It is shown again once the server is back.'
/** The same when the post was a Retry (the route took it, the new answer's job runs): no new message was sent. */
export const STREAM_BROKE_AFTER_RETRY_TEXT = 'Lost the connection to the server — the answer is being retried and may still be running there. It is shown again once the server is back.'

/** A stream broken after the chat route took the post, by what the post was. */
const STREAM_BROKE_TEXTS: Record<'send' | 'retry' | 'answer', string> = {
  send: STREAM_BROKE_TEXT,
  retry: STREAM_BROKE_AFTER_RETRY_TEXT,
  answer: STREAM_BROKE_AFTER_ANSWER_TEXT,
}

/**
 * `error.message` of `useChat`, as the page shows it; `answered`: the chat route answered the post
 * that failed; `action`: what that post was — a new message (`send`), or a Retry (`retry`, the
 * SDK's `regenerate()`), whose refusal says the answer was not retried rather than "your message
 * wasn’t sent": the message was sent long before, and the answer is still shown — or approval
 * answers (`answer`): "your answer wasn’t sent", as the main chat's approval prompt says it, and
 * when their stream broke, "your answer was sent" (no message was); a Retry's broken stream says
 * the answer is being retried (no message was sent either).
 */
export function chatErrorText(error: Error, answered = false, action: 'send' | 'retry' | 'answer' = 'send'): string {
  const { statusCode, responseBody } = error as Error & CallErrorLike
  // The chat route's only 409: an approval its message's job never asked (an answer taken elsewhere,
  // expired or ended meanwhile streams the job instead, and the page notes it on the call). Its
  // message names the request and chat by id, which says nothing to a person.
  if (statusCode === 409) return APPROVAL_GONE_TEXT
  if (typeof statusCode === 'number') {
    const message = bodyMessage(responseBody)
    return failureText({ statusCode, ...(message ? { data: { message } } : {}) }, action)
  }
  if (error instanceof TypeError) return answered ? STREAM_BROKE_TEXTS[action] : unreachableText(action)
  return error.message
}
