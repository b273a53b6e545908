/**
 * Every answer of the layer's routes carries `X-Request-Id` (server/lib/http/request-id.ts) — also
 * a preflight, a 405 and a 404 of a path under /api/jobs that is no route. Runs before
 * `jobs-cors.ts` and `jobs-methods.ts` (file order), which may answer first.
 */
import { defineEventHandler } from 'h3'
import { requestIdOf } from '../lib/http/request-id'

export default defineEventHandler((event) => {
  if (event.path.startsWith('/api/jobs')) requestIdOf(event)
})
