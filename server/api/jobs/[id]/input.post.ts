/**
 * POST /api/jobs/:id/input — answer a pending input request { requestId, answer, reason? }.
 * Answers `{ ok: true, stored }` once the answer is stored (`stored: false`: the store is slow; the
 * job goes on with the answer and stores it when the store takes writes).
 */
import { getRouterParam } from 'h3'
import { defineJobsHandler } from '../../../lib/http/handler'
import { readJsonBody, validate } from '../../../lib/http/request'
import { rateRefusal } from '../../../lib/rate-limit'
import { inputBodySchema, withReason } from '../../../lib/http/schemas'

export default defineJobsHandler(async ({ event, engine, userId, config }) => {
  const body = validate(inputBodySchema, await readJsonBody(event, config.limits.maxBodyBytes))
  // Before the rate limit: a body refused as it stands costs none of the user's answers.
  const answer = withReason(body.answer, body.reason)
  // Over limits.inputPerMinute, only the same answer again (taken before, its reply lost) is answered.
  const refusal = await engine.limitRate(userId, 'input').then(() => undefined, rateRefusal)
  const { stored } = await engine.answerInput(userId, getRouterParam(event, 'id') ?? '', { requestId: body.requestId, answer }, refusal)
  return { ok: true, stored }
})
