/**
 * Request validation with zod, limits from config. Unknown keys are dropped, so tool
 * definitions or other fields smuggled into a body have no effect.
 */
import { z } from 'zod'
import { JOB_STATUSES } from '../../../shared/events'
import type { JobStatus } from '../../../shared/events'
import type { BackgroundJobsConfig } from '../config'
import { MAX_ID_CHARS, withoutControlCharacters } from '../id-characters'
import { InvalidAnswerError } from '../errors'
import { decodeListCursor } from '../list-cursor'
import { givenOnce } from './query-once'
import { onceForm, withoutBrackets } from './query-brackets'
import { pageLimit } from './page-limit'

/**
 * Checked after the trim, so zod's own words for a blank value (`"   "`) would be "expected string
 * to have >=1 characters", of a value sent with three.
 */
const BLANK = 'must not be empty or only whitespace'

const id = z.string().trim().min(1, BLANK).max(MAX_ID_CHARS)

/**
 * A thread or message id a client gives a new job: `id`, with no control character
 * (id-characters.ts). The queries that read or delete existing jobs take any `id`: a thread stored
 * before that refusal stays readable and deletable by its id (the owner check isolates users).
 */
const clientId = withoutControlCharacters(id)

/** The body of `POST /api/jobs` for a chat job. */
export function chatJobBodySchema(config: BackgroundJobsConfig) {
  const { maxMessages, maxMessageChars, maxToolsPerRequest } = config.limits
  return z.object({
    messages: z.array(z.object({
      role: z.enum(['system', 'user', 'assistant']),
      content: z.string({ error: issue => (issue.input === undefined ? NO_CONTENT : undefined) }).max(maxMessageChars, `must be at most ${maxMessageChars} characters (limits.maxMessageChars)`),
      /** An assistant answer's job: its tool calls and results go to the model from the store (http/earlier-tool-outcomes.ts). */
      jobId: id.optional(),
    }).refine(
      // A blank user turn would reach the model as nothing to answer (or an upstream 400 mid-job).
      message => message.role !== 'user' || message.content.trim() !== '',
      { message: 'must not be empty: a user message needs text', path: ['content'] },
    ), { error: issue => (issue.input === undefined ? NO_MESSAGES : undefined) }).min(1, 'must hold at least one message').max(maxMessages, `must hold at most ${maxMessages} messages (limits.maxMessages)`),
    model: z.string().trim().min(1, BLANK).max(200).optional(),
    threadId: clientId.optional(),
    messageId: clientId.optional(),
    tools: z.array(z.string({ error: TOOL_NAMES_ONLY }).max(100), { error: TOOL_NAMES_ONLY }).max(maxToolsPerRequest, `must name at most ${maxToolsPerRequest} tools (limits.maxToolsPerRequest)`).optional(),
  })
}

/**
 * A body without `messages` (a first try with curl: `{ "prompt": … }`), and a message without
 * `content` (the AI SDK's UI message, whose text is in `parts`): zod's own "expected array,
 * received undefined" said neither what the route takes nor where UI messages go.
 */
const NO_MESSAGES = 'is required — a chat job is { "messages": [{ "role": "user", "content": "…" }] }, a workflow job { "workflow": "<name>", "input": { … } }'
const NO_CONTENT = 'is required — the message\'s text as a string; UI messages with `parts` (the AI SDK\'s) go to POST /api/jobs/chat'

/**
 * What a `tools` field holding definitions (the AI SDK's `{ name: tool(…) }`, OpenAI's
 * `[{ type: 'function', … }]`) is told: zod's own "expected array, received object" left an app
 * wondering where its tool went.
 */
const TOOL_NAMES_ONLY = 'must be a list of tool names (GET /api/jobs/catalog lists them): a request never brings tool definitions — define a tool in a file of the server\'s server/tools/ (docs/tools.md)'

/** The body of `POST /api/jobs` for a workflow job. */
export const workflowJobBodySchema = z.object({
  workflow: z.string().trim().min(1, BLANK).max(200),
  input: z.unknown().optional(),
  threadId: clientId.optional(),
  messageId: clientId.optional(),
})

/** A body without `requestId` (a first answer with curl, which sent the node's answer only): where to find it. */
const NO_REQUEST_ID = 'is required — the id of the question the job waits for (`requestId` of its input-request event, or of GET /api/jobs/:id\'s state.pendingInputs)'

/**
 * The body of `POST /api/jobs/:id/input`. `reason` (a tool approval's, e.g. why it was denied)
 * may sit beside the answer; it is handed on inside it (`withReason`).
 */
export const inputBodySchema = z.object({
  requestId: z.string({ error: issue => (issue.input === undefined ? NO_REQUEST_ID : undefined) }).min(1).max(MAX_ID_CHARS),
  answer: z.unknown().refine(value => value !== undefined, 'is required'),
  // null reads as no reason, as inside an answer.
  reason: z.string().max(2000).nullish(),
})

/** No reason: absent, null, or a blank (empty or whitespace-only) string — a form's empty field. */
function isBlankReason(reason: unknown): boolean {
  return reason === undefined || reason === null || (typeof reason === 'string' && !reason.trim())
}

/**
 * The answer with the body's `reason` inside it, where the approval reader looks for it:
 * `{ ...answer, reason }` for an object answer, else `{ answer, reason }`. A workflow input whose
 * schema has no room for a reason refuses it (400), so it is never dropped unseen. The body's
 * reason is the answer's `reason` field: an object answer with a reason of its own that differs is
 * refused (400) — it replaced the answer's own, unseen. A blank reason in either place is none (a
 * form's empty field): the other one stands. So one answer reads one way, whatever the schema's
 * fields are called (docs/api.md, "Answering input").
 */
export function withReason(answer: unknown, reason: string | null | undefined): unknown {
  if (reason === undefined || reason === null) return answer
  if (answer !== null && typeof answer === 'object' && !Array.isArray(answer)) {
    const own = (answer as { reason?: unknown }).reason
    if (!isBlankReason(own) && own !== reason) {
      // A blank reason is none, in either place (as the input node reads it: givesReason).
      if (isBlankReason(reason)) return answer
      throw new InvalidAnswerError('Invalid answer: reason: sent both beside the answer and inside it, with different values; send it once')
    }
    return { ...answer, reason }
  }
  return { answer, reason }
}

const statusList = z.union([z.string(), z.array(z.string())]).transform(value => (Array.isArray(value) ? value.join(',') : value)).pipe(z.string().max(200)).transform((text, context) => {
  const statuses = text.split(',').map(item => item.trim()).filter(Boolean)
  for (const status of statuses) {
    if (!JOB_STATUSES.includes(status as JobStatus)) {
      context.addIssue({ code: 'custom', message: `unknown status "${status}" (one of ${JOB_STATUSES.join(', ')})` })
      return z.NEVER
    }
  }
  // `?status=` (or only commas) names no status: no filter, as without the parameter.
  return statuses.length > 0 ? statuses as JobStatus[] : undefined
})

/** An empty query parameter (`?threadId=`) is no filter, as without it (like an empty `status`); given twice, a 400. */
function emptyAsAbsent<Schema extends z.ZodType>(schema: Schema) {
  return givenOnce(z.preprocess(value => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema.optional()))
}

/** A `next` cursor of `GET /api/jobs`, decoded to its place in the list (list-cursor.ts). */
const listCursor = z.string().transform((cursor, context) => {
  const bound = decodeListCursor(cursor)
  if (!bound) {
    context.addIssue({ code: 'custom', message: 'is not a cursor from the `next` of GET /api/jobs (pass it back unchanged)' })
    return z.NEVER
  }
  return bound
})

/** The query of `GET /api/jobs`. */
export const listQuerySchema = withoutBrackets({
  status: 'status=running,waiting (or status=running&status=waiting)',
  threadId: onceForm('threadId'),
  messageId: onceForm('messageId'),
  limit: onceForm('limit'),
  before: onceForm('before'),
}, z.object({
  status: statusList.optional(),
  threadId: emptyAsAbsent(id),
  messageId: emptyAsAbsent(id),
  limit: emptyAsAbsent(pageLimit(200)),
  before: emptyAsAbsent(listCursor),
}))

/** The query of `DELETE /api/jobs`: the thread whose ended jobs go (required: no "delete everything"). */
export const deleteThreadQuerySchema = withoutBrackets({ threadId: onceForm('threadId') }, z.object({
  threadId: givenOnce(z.string({ error: issue => (issue.input === undefined ? 'is required: DELETE /api/jobs deletes the jobs of one thread (?threadId=…); DELETE /api/jobs/:id deletes one job' : undefined) })
    .trim().min(1, 'must not be empty').max(MAX_ID_CHARS)),
}))
