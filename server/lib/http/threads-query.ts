/** The query of `GET /api/jobs/threads`: a page size and where the page starts. */
import { z } from 'zod'
import { decodeThreadCursor } from '../thread-cursor'
import { givenOnce } from './query-once'
import { onceForm, withoutBrackets } from './query-brackets'
import { pageLimit } from './page-limit'

/** Threads per page unless `limit` says otherwise. */
export const DEFAULT_THREADS_LIMIT = 20
/** The most threads one page holds. */
export const MAX_THREADS_LIMIT = 100

/** An empty parameter (`?before=`) is as if absent. */
const blankAsAbsent = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value)

/** Validates `?limit=&before=` (a 400 names the parameter). */
export const threadsQuerySchema = withoutBrackets({ limit: onceForm('limit'), before: onceForm('before') }, z.object({
  limit: givenOnce(z.preprocess(blankAsAbsent, pageLimit(MAX_THREADS_LIMIT).optional()))
    .transform(value => value ?? DEFAULT_THREADS_LIMIT),
  before: givenOnce(z.preprocess(blankAsAbsent, z.string().max(1000).optional())).transform((text, context) => {
    if (text === undefined) return null
    const cursor = decodeThreadCursor(text)
    if (!cursor) {
      context.addIssue({ code: 'custom', message: 'is not a cursor this server made: pass the `next` of the previous page as it is' })
      return z.NEVER
    }
    return cursor
  }),
}))
