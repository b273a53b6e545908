/** POST /api/jobs/:id/input — answer a pending input request { requestId, answer }. */
import { getRouterParam } from 'h3'
import { defineJobsHandler } from '../../../lib/http/handler'
import { readJsonBody, validate } from '../../../lib/http/request'
import { inputBodySchema } from '../../../lib/http/schemas'

export default defineJobsHandler(async ({ event, engine, userId, config }) => {
  const body = validate(inputBodySchema, await readJsonBody(event, config.limits.maxBodyBytes))
  await engine.limitRate(userId, 'input')
  await engine.answerInput(userId, getRouterParam(event, 'id') ?? '', { requestId: body.requestId, answer: body.answer })
  return { ok: true }
})
