/**
 * The request of `PATCH /api/jobs/threads/:threadId`: the thread id from the path, the new title
 * from the body (`{ title }`; other keys are dropped, as in every body of the API).
 */
import type { H3Event } from 'h3'
import { getRouterParam } from 'h3'
import { z } from 'zod'
import { normalizedThreadTitle, threadTitleProblem } from '../../../shared/thread-title'
import { MAX_ID_CHARS } from '../id-characters'
import { RequestError } from './request'

/** The body: a title the thread list can show (shared/thread-title.ts), trimmed. */
export const threadRenameBodySchema = z.object({
  title: z.string({ error: issue => (issue.input === undefined ? 'is required: the thread\'s new title' : 'must be a string') })
    .superRefine((title, context) => {
      const problem = threadTitleProblem(title)
      if (problem) context.addIssue({ code: 'custom', message: problem })
    })
    .transform(normalizedThreadTitle),
})

/**
 * The route's thread id, decoded. One over 200 characters (no thread can have it) is a 400 naming
 * `threadId`; a control character is not refused: a thread stored before that refusal can be renamed.
 */
export function threadIdParam(event: H3Event): string {
  const threadId = getRouterParam(event, 'threadId', { decode: true }) ?? ''
  if (threadId.length > MAX_ID_CHARS) throw new RequestError(400, `threadId: must be at most ${MAX_ID_CHARS} characters (got ${threadId.length})`)
  return threadId
}
