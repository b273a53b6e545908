/**
 * What the AI SDK routes ask of the engine: a chat's active jobs (its thread's, this user's
 * only), a new turn started as a background job, and approvals answered on the job that waits
 * for them. Limits, flags and errors are those of the native routes.
 */
import { ACTIVE_STATUSES } from '../../../shared/events'
import { getRequestHeader } from 'h3'
import type { JobState } from '../../../shared/reducer'
import { createJobState } from '../../../shared/reducer'
import { newestMessages, postedIndex } from './newest-messages'
import { unknownTool } from '../admit-request'
import type { CreateJobInput, JobSummary } from '../engine-types'
import { InputConflictError, ProviderUnavailableError } from '../errors'
import { anonymousCreationAddress } from '../http/anonymous-creation'
import { toChatJobInput } from '../http/chat-job-input'
import type { JobsRouteContext } from '../http/handler'
import { idempotencyKeyOf, RequestError, validate } from '../http/request'
import { chatJobBodySchema } from '../http/schemas'
import type { ApprovalAnswer, ChatRequest } from './chat-request'
import { toPlainMessages } from './chat-request'
import { continuationStart } from './continuation-start'
import { cutEarlierMessages, sentMessageIndexes } from './earlier-messages'
import { clientBodyOf } from './client-body'
import { promptMetadataOf } from './prompt-metadata'

/** The chat's jobs that are still going, newest first (another user's chat has none). */
export async function activeChatJobs({ engine, userId }: JobsRouteContext, chatId: string): Promise<JobSummary[]> {
  const jobs = await engine.listJobs(userId, { threadId: chatId, status: [...ACTIVE_STATUSES] })
  return jobs.filter(job => job.type === 'chat')
}

/** The chat's turns this instance runs and can answer for without the store (local-read.ts). */
function localChatJobs({ engine, userId }: JobsRouteContext, chatId: string): JobSummary[] {
  return engine.listLocalJobs(userId, chatId).filter(job => job.type === 'chat')
}

/**
 * The chat's job a resume (`GET …/:chatId/stream`) follows: its newest active one. A turn this
 * instance runs and vouches for is found in memory with no store call (local-read.ts), so its
 * owner resumes it while the store is down, as the native stream does; otherwise the store is
 * asked (503 while it is down). A chat runs one turn at a time: the client sends the next message
 * once the answer has ended (or after stop + abort, which ends it).
 */
export async function resumableChatJob(context: JobsRouteContext, chatId: string): Promise<JobSummary | null> {
  const [local] = localChatJobs(context, chatId)
  return local ?? (await activeChatJobs(context, chatId))[0] ?? null
}

/**
 * The chat's jobs a stop (`POST …/:chatId/abort`) aborts: every active one the store lists. While
 * the store cannot answer, the turns this instance runs and vouches for are stopped from memory,
 * as the native abort stops them (local-read.ts); a turn run elsewhere cannot be reached then
 * anyway (controls go through the store), so with none here the 503 stands.
 */
export async function chatJobsToStop(context: JobsRouteContext, chatId: string): Promise<JobSummary[]> {
  try {
    return await activeChatJobs(context, chatId)
  }
  catch (error) {
    if (!(error instanceof ProviderUnavailableError)) throw error
    const local = localChatJobs(context, chatId)
    if (local.length === 0) throw error
    return local
  }
}

/** What a client that has nothing of the job knows: the state before its first event. */
export function nothingKnown(job: JobSummary): JobState {
  return createJobState({ id: job.id, type: job.type, createdAt: job.createdAt })
}

/** What a request holds besides its messages (model, tool names, metadata …), kept free under a store's request limit. */
const REQUEST_ROOM_BYTES = 65_536

/**
 * The job a new turn starts, in the thread `request.id`, checked as on `POST /api/jobs` — before
 * the route changes anything (a 400 never follows ending a waiting job). A chat past
 * `limits.maxMessages` sends the model its newest messages that fit (newest-messages.ts), earlier
 * ones as they can be taken (earlier-messages.ts). The checks run on the
 * plain history, but a 400 names the UI message's `parts`, which is what the client sent. The
 * answered message's metadata goes with the job (prompt-metadata.ts), and so do the app's own
 * fields of the body (client-body.ts).
 */
export function chatTurnInput(context: JobsRouteContext, request: ChatRequest): CreateJobInput {
  const { event, config, flags } = context
  const lastUserIndex = request.messages.findLastIndex(message => message.role === 'user')
  const lastUser = request.messages[lastUserIndex]
  const { messages, dropped } = newestMessages(request.messages, config.limits.maxMessages)
  // An answer's id is its job's: the route sends the model that job's stored tool rounds (http/earlier-tool-outcomes.ts).
  const named = toPlainMessages(messages).map((message, index) => {
    const id = messages[index]!.id
    return message.role === 'assistant' && id && id.trim() === id ? { ...message, jobId: id } : message
  })
  const plain = cutEarlierMessages(named, lastUserIndex - dropped, config.limits.maxMessageChars)
  const sent = sentMessageIndexes(plain, lastUserIndex - dropped)
  let parsed
  try {
    parsed = validate(chatJobBodySchema(config), {
      messages: sent.map(index => plain[index]!),
      model: request.model,
      tools: request.tools,
      threadId: request.id,
      messageId: lastUser?.id,
    })
  }
  catch (error) {
    // Named as the client sent them: the chat's `id`, the answered message's `messages.N.id`.
    if (error instanceof RequestError) {
      error.message = postedIndex(error.message.replace(/\bmessages\.(\d+)\b/g, (_, index: string) => `messages.${sent[Number(index)] ?? index}`), dropped)
        .replace(/\bmessages\.(\d+)\.content\b/g, 'messages.$1.parts (their text)')
        .replace(/(^|; )threadId:/g, '$1id:')
        .replace(/(^|; )messageId:/g, `$1messages.${lastUserIndex}.id:`)
    }
    throw error
  }
  // Assistant messages with no text (tool calls only) carry nothing for the model's history, but
  // for the stored tool rounds of the job they name (read by the route, which drops them without).
  parsed.messages = parsed.messages.filter(message => message.role !== 'assistant' || message.content !== '' || message.jobId !== undefined)
  // A store that keeps a request in one document (convex: 1,000,000 bytes) gets the newest turns
  // that fit, as past `limits.maxMessages`, instead of refusing every turn of a long chat (413).
  const storable = context.engine.provider.maxRequestBytes
  if (storable !== undefined) parsed.messages = newestMessages(parsed.messages, parsed.messages.length, storable - REQUEST_ROOM_BYTES).messages
  const promptMetadata = promptMetadataOf(request.messages, lastUserIndex)
  const clientBody = clientBodyOf(request.clientFields ?? {})
  const input = toChatJobInput(parsed, config, flags, idempotencyKeyOf(event))
  const anonymousAddress = anonymousCreationAddress(context)
  return { ...input, request: { ...input.request, ...promptMetadata, ...clientBody }, traceparent: getRequestHeader(event, 'traceparent'), limitRate: true, ...(anonymousAddress === undefined ? {} : { anonymousAddress }) }
}

/**
 * Refuses (400, as the engine's creation check words it: admit-request.ts) a turn naming a tool the
 * server has not registered — called before the route ends any job, which that check, run only
 * with the creation, came after. Not part of `chatTurnInput`: a retried post (retried-turn.ts)
 * gets its job also once the tool is gone, as on `POST /api/jobs`.
 */
export function refuseUnknownTools({ engine }: JobsRouteContext, input: CreateJobInput): void {
  const unknown = input.request.type === 'chat' ? input.request.tools?.find(name => !engine.tools.get(name)) : undefined
  if (unknown !== undefined) throw unknownTool(unknown, engine.tools)
}

/** Starts the background job of a new turn (`chatTurnInput`). */
export async function startChatTurn({ engine, userId }: JobsRouteContext, input: CreateJobInput): Promise<JobSummary> {
  return (await engine.createJob(userId, input)).job
}

/**
 * Answers the approvals on the chat's job that waits for them. Returns the job and its state
 * before the answers (the client has everything up to there; before an approval of `answers` that
 * was answered elsewhere meanwhile, when one was: continuation-start.ts). Answers are applied on
 * the first job that waits for any of them; when none does (answered already, expired, job ended)
 * it is a 409.
 */
export async function answerChatApprovals(context: JobsRouteContext, chatId: string, answers: ApprovalAnswer[]): Promise<{ job: JobSummary, state: JobState }> {
  const { engine, userId } = context
  for (const job of await activeChatJobs(context, chatId)) {
    const { state } = await engine.getJob(userId, job.id)
    const pending = answers.filter(answer => state.pendingInputs.some(input => input.requestId === answer.approvalId))
    if (pending.length === 0) continue
    // Before the answers: the job's log then ends where the client's view of it starts.
    const start = await continuationStart(context, job, state, answers)
    let taken = 0
    let conflict: InputConflictError | null = null
    for (const answer of pending) {
      await engine.limitRate(userId, 'input')
      try {
        await engine.answerInput(userId, job.id, {
          requestId: answer.approvalId,
          answer: { approved: answer.approved, ...(answer.reason ? { reason: answer.reason } : {}) },
        })
        taken++
      }
      catch (error) {
        // Answered elsewhere since the job was read (another tab, its expiry): the job goes on
        // with that answer, which the continuation brings. Only a post of which none was taken fails.
        if (!(error instanceof InputConflictError)) throw error
        conflict ??= error
      }
    }
    if (taken === 0 && conflict) throw conflict
    return { job, state: start }
  }
  throw new InputConflictError(answers[0]!.approvalId, `is not pending in chat ${chatId} (answered already, expired, or the job ended)`)
}
