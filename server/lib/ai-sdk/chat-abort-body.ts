/**
 * The optional body of `POST /api/jobs/chat/:chatId/abort`: `{ messageId }`, the user message whose
 * answer to stop — only the chat's jobs that answer it are aborted (user-message-ids.ts), not a
 * message sent meanwhile from another tab. `useChatStop` sends it when it stops the job of a post
 * it cut short (decision 048), which may come up to a minute after the Stop. No body (or no
 * `messageId`): every running job of the chat, as before.
 */
import type { H3Event } from 'h3'
import { getRequestHeader } from 'h3'
import { z } from 'zod'
import { MAX_ID_CHARS } from '../id-characters'
import { readJsonBody, validate } from '../http/request'

/** The body; other keys are dropped, as in every body of the API. Ids are compared as sent (never trimmed). */
export const chatAbortBodySchema = z.object({
  messageId: z.string({ error: 'must be a string: the id of the user message whose answer to stop' })
    .min(1, 'must not be empty: the id of the user message whose answer to stop (send no body to stop every answer of the chat)')
    .max(MAX_ID_CHARS, `must be at most ${MAX_ID_CHARS} characters`)
    .optional(),
})

/** What the route was asked to stop. */
export type ChatAbortBody = z.infer<typeof chatAbortBodySchema>

/** Whether the request carries a body at all (a bare `POST`, as `$fetch` and curl send it, has none). */
function hasBody(event: H3Event): boolean {
  const length = getRequestHeader(event, 'content-length')
  return getRequestHeader(event, 'transfer-encoding') !== undefined || (length !== undefined && length.trim() !== '0')
}

/** The route's body: `{}` when there is none; otherwise JSON, checked (415, 413, 400 naming `messageId`). */
export async function readChatAbortBody(event: H3Event, maxBytes: number): Promise<ChatAbortBody> {
  if (!hasBody(event)) return {}
  return validate(chatAbortBodySchema, await readJsonBody(event, maxBytes))
}
