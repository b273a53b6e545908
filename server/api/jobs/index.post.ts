/** POST /api/jobs — start a chat job or a workflow job; 202 { id, status, streamUrl }. */
import { getRequestHeader, setResponseStatus } from 'h3'
import { defineJobsHandler } from '../../lib/http/handler'
import { idempotencyKeyOf, readJsonBody, RequestError, validate } from '../../lib/http/request'
import { workflowJobBodySchema } from '../../lib/http/schemas'
import type { CreateJobInput } from '../../lib/engine-types'
import { chatJobInputOf } from '../../lib/http/chat-job-retry'
import { assertFeatureOn } from '../../lib/feature-flags'
import { anonymousCreationAddress } from '../../lib/http/anonymous-creation'
import { requestFingerprint } from '../../lib/idempotency'
import { jobStreamUrl } from '../../lib/http/stream-url'
import { answersJobTurn } from '../../lib/ai-sdk/job-turn-answers'
import { withEarlierToolOutcomes } from '../../lib/http/earlier-tool-outcomes'

export default defineJobsHandler(async (context) => {
  const { event, engine, userId, config, flags } = context
  const body = await readJsonBody(event, config.limits.maxBodyBytes)
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RequestError(400, 'body: must be a JSON object')
  const idempotencyKey = idempotencyKeyOf(event)
  let input: CreateJobInput
  if ('workflow' in body) {
    const parsed = validate(workflowJobBodySchema, body)
    assertFeatureOn('workflows', flags, config)
    // Tools switched off for this user reach the workflow's nodes too.
    input = { request: { type: 'workflow', workflow: parsed.workflow, input: parsed.input, ...(!flags.tools ? { tools: [] } : {}) }, threadId: parsed.threadId, messageId: parsed.messageId, idempotencyKey }
    if (idempotencyKey) input.requestFingerprint = requestFingerprint(parsed)
  }
  else {
    // With a key, a body this version's settings refuse may be the retry of an earlier one's job (chat-job-retry.ts).
    const chat = chatJobInputOf(body, config, flags, idempotencyKey)
    // Said in the request: the AI SDK messages route places this route's answers again by it
    // (chat-history.ts), and names their turn after the job they answer again (job-turn-answers.ts).
    const answersJob = await answersJobTurn(context, chat.threadId, chat.messageId)
    input = { ...chat, request: { ...chat.request, startedBy: 'jobs', ...(answersJob ? { answersJob } : {}) } }
    // Earlier answers that name their job go to the model with that job's stored tool calls and results.
    input = await withEarlierToolOutcomes(context, input)
  }
  // The creation rates (the user's, an anonymous client address's) are counted by the store with
  // the insert: across instances, and never for an idempotent retry or a request a limit refuses.
  const anonymousAddress = anonymousCreationAddress(context)
  const { job, created } = await engine.createJob(userId, { ...input, traceparent: getRequestHeader(event, 'traceparent'), limitRate: true, ...(anonymousAddress === undefined ? {} : { anonymousAddress }) })
  setResponseStatus(event, created ? 202 : 200)
  return { id: job.id, status: job.status, threadId: job.threadId, streamUrl: jobStreamUrl(event, job.id), created }
})
