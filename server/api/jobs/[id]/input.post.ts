/** POST /api/jobs/:id/input — answer a pending input request { requestId, answer, reason? }. */
import { getRouterParam } from 'h3'
import { defineJobsHandler } from '../../../lib/http/handler'
import { readJsonBody, validate } from '../../../lib/http/request'
import { inputBodySchema, withReason } from '../../../lib/http/schemas'

export default defineJobsHandler(async ({ event, engine, userId, config }) => {
  const body = validate(inputBodySchema, await readJsonBody(event, config.limits.maxBodyBytes))
  await engine.limitRate(userId, 'input')
  await engine.answerInput(userId, getRouterParam(event, 'id') ?? '', { requestId: body.requestId, answer: withReason(body.answer, body.reason) })
  return { ok: true }
})
