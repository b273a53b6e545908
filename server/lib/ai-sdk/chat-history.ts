/**
 * A chat's messages rebuilt from its jobs, oldest first: per job, the user's message (its prompt,
 * with the id and the metadata the client gave it; a regenerated answer replaces the earlier one) and the assistant's (the job's log mapped as the stream maps it; a running job as far as it
 * got, which `resumeStream()` then replaces in place since both carry the job id). Lets a page
 * that reloads pass `messages` to `useChat` without storing them anywhere. Jobs past
 * `limits.retentionMs` are gone, and so are their messages. With the app's message metadata hook,
 * an assistant message has the metadata the client holds after streaming it (message-metadata.ts).
 */
import type { ViewerSink } from '../viewer'
import { JobNotFoundError } from '../errors'
import { currentTurns as sharedCurrentTurns } from '../../../shared/current-turns'
import type { JobSummary } from '../engine-types'
import type { JobsRouteContext } from '../http/handler'
import { summarize } from '../job-summary'
import type { JobRecord } from '../providers/types'
import { awaitsApproval, createUiChunkMapper } from './chunk-mapper'
import { nothingKnown } from './chat-turn'
import { mergeMetadata, withStepMetadata } from './message-metadata'
import { recordMetadataSource } from './metadata-hook'
import type { UiChunk } from './ui-chunks'
import type { UiMessage } from './ui-parts'
import { partsFromChunks } from './ui-parts'
import { shownUserMessageIdOf } from './user-message-ids'

/** What reading a chat needs: a route's context, or the engine and a user id (read-chat-messages.ts). */
export type ChatReadContext = Pick<JobsRouteContext, 'engine' | 'userId' | 'config'>

/** Options of `chatHistory`. */
export interface ChatHistoryOptions {
  /** Give assistant messages their metadata (the app's hook is asked). @default false */
  metadata?: boolean
}

/** One job of the chat: its summary, and its record for the metadata hook (from the same listing). */
export interface ChatJob {
  job: JobSummary
  record: JobRecord
}

/** The assistant message of a job's whole log (read like a viewer that attaches and leaves at once). */
async function jobAnswer(context: ChatReadContext, { job, record }: ChatJob, options: ChatHistoryOptions): Promise<UiMessage> {
  const from = nothingKnown(job)
  const mapper = createUiChunkMapper({ messageId: job.id, known: from })
  const chunks: UiChunk[] = []
  const sink: ViewerSink = { send: frame => chunks.push(...mapper.frame(frame)), comment() {}, close() {} }
  const attachment = await context.engine.attachViewer(context.userId, job.id, sink, 0)
  attachment.detach()
  const message: UiMessage = { id: job.id, role: 'assistant', parts: partsFromChunks(chunks) }
  // The record the listing read: no second read per message.
  const source = options.metadata ? recordMetadataSource(context, record) : null
  if (!source) return message
  // As the client merges them: the start's, each ended round's (a running job's round still open
  // has none yet), then the finish's once the answer ended or waits.
  const finished = mapper.done || awaitsApproval(mapper.state)
  let metadata = await source('start', from)
  for (const chunk of await withStepMetadata(chunks, source, mapper.roundEndOf)) {
    if (chunk.type === 'message-metadata') metadata = mergeMetadata(metadata, chunk.messageMetadata)
  }
  metadata = mergeMetadata(metadata, finished ? await source('finish', mapper.state) : undefined)
  return metadata === undefined ? message : { ...message, metadata }
}

/** Jobs of one chat read at most, regenerations included (each one is a job of its own). */
const MAX_JOBS_READ = 2_000

/**
 * The chat as the client holds it, oldest turn first: per current turn (shared/current-turns.ts,
 * the rule the demo's main chat sends its history by too) its newest answer. `POST /api/jobs` takes
 * no message metadata: a message answered again there (`startedBy: 'jobs'`) keeps what its client
 * sent on it.
 */
function currentTurns(newestFirst: ChatJob[]): ChatJob[] {
  const turns = sharedCurrentTurns([...newestFirst].reverse().map(chatJob => ({ ...chatJob.job, chatJob })))
  return turns.map((jobs) => {
    let promptMetadata: unknown
    for (const { chatJob } of jobs) {
      const kept = chatJob.job.startedBy === 'jobs' && chatJob.job.promptMetadata === undefined
      if (!kept) promptMetadata = chatJob.job.promptMetadata
    }
    const { chatJob } = jobs.at(-1)!
    return promptMetadata === chatJob.job.promptMetadata ? chatJob : { ...chatJob, job: { ...chatJob.job, promptMetadata } }
  })
}

/**
 * The chat's current turns, oldest first (`currentTurns`), read from the chat's every job (at most
 * `MAX_JOBS_READ`), not only until there are `turns` of them: the rule replays the jobs in order,
 * and an edit of a message whose first job was left unread would read as a new message, appended,
 * keeping the turns it dropped. `listed` holds the ids of every chat job the reads saw,
 * `startedWithout` those started without a `messageId` (their ids key the main chat's answers
 * again), gone ones included when a main-chat job answering them again says so.
 */
export async function readCurrentTurns(context: ChatReadContext, chatId: string, turns: number): Promise<{ current: ChatJob[], listed: Set<string>, startedWithout: Set<string> }> {
  // Regenerations are jobs too but not turns, and an older job places the newer ones: read them
  // all, in widening pages, each after the last (a wider read from the newest read them again).
  const newestFirst: JobRecord[] = []
  for (let limit = turns; ; limit = Math.min(limit * 4, MAX_JOBS_READ)) {
    const last = newestFirst.at(-1)
    const asked = limit - newestFirst.length
    const page = await context.engine.listJobRecords(context.userId, { threadId: chatId, limit: asked, ...(last ? { before: { createdAt: last.createdAt, id: last.id } } : {}) })
    newestFirst.push(...page)
    if (page.length < asked || limit >= MAX_JOBS_READ) break
  }
  const chatJobs = newestFirst.filter(record => record.type === 'chat').map(record => ({ job: summarize(record), record }))
  // Also those gone whose turn the main chat answered again (`answersJob`: job-turn-answers.ts).
  const startedWithout = new Set(chatJobs.flatMap(({ job, record }) => !job.messageId ? [job.id] : record.request.type === 'chat' && record.request.answersJob ? [job.messageId] : []))
  return { current: currentTurns(chatJobs), listed: new Set(chatJobs.map(({ job }) => job.id)), startedWithout }
}

/** The messages of chat `chatId` (this user's jobs in that thread only). */
export async function chatHistory(context: ChatReadContext, chatId: string, options: ChatHistoryOptions = {}): Promise<UiMessage[]> {
  // More turns than a client may send back (limits.maxMessages) could not continue the chat anyway.
  const turns = Math.ceil(context.config.limits.maxMessages / 2)
  const { current, startedWithout } = await readCurrentTurns(context, chatId, turns)
  const chatJobs = current.slice(-turns)
  // A job deleted (or past retention) since the listing read it: its turn is gone, not the chat.
  const answers = await Promise.all(chatJobs.map(chatJob => jobAnswer(context, chatJob, options).catch((error: unknown) => {
    if (error instanceof JobNotFoundError) return null
    throw error
  })))
  return chatJobs.flatMap(({ job }, index): UiMessage[] => answers[index] ? [
    { id: shownUserMessageIdOf(job, startedWithout), role: 'user', parts: [{ type: 'text', text: job.prompt ?? '' }], ...(job.promptMetadata === undefined ? {} : { metadata: job.promptMetadata }) },
    answers[index],
  ] : [])
}
