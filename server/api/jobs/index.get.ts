/**
 * GET /api/jobs — the user's jobs, newest first, filterable by status, thread and message, a page
 * at a time: `next` is the cursor to pass as `before` for the older page (null at the end).
 */
import { getQuery } from 'h3'
import { defineJobsHandler } from '../../lib/http/handler'
import { validate } from '../../lib/http/request'
import { listQuerySchema } from '../../lib/http/schemas'
import { encodeListCursor } from '../../lib/list-cursor'

export default defineJobsHandler(async ({ event, engine, userId }) => {
  const query = validate(listQuerySchema, getQuery(event))
  const page = await engine.listJobPage(userId, query)
  return { jobs: page.jobs, next: page.next && encodeListCursor(page.next) }
})
