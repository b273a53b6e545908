/**
 * Every answer of the layer's routes carries `X-Request-Id` (server/lib/http/request-id.ts) — also
 * a preflight, a 405 and a 404 of a path under /api/jobs that is no route. Runs before
 * `jobs-cors.ts` and `jobs-methods.ts` (file order), which may answer first. A path that only
 * begins with the same letters (an app's own `/api/jobsearch`) is not the layer's: no header.
 */
import { defineEventHandler } from 'h3'
import { isJobsPath } from '../lib/http/jobs-path'
import { requestIdOf } from '../lib/http/request-id'

export default defineEventHandler((event) => {
  if (isJobsPath(event.path)) requestIdOf(event)
})
