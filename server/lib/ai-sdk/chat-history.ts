/**
 * A chat's messages rebuilt from its jobs, oldest first: per job, the user's message (its prompt,
 * with the id the client gave it; a regenerated answer replaces the earlier one) and the assistant's (the job's log mapped as the stream maps it; a running job as far as it
 * got, which `resumeStream()` then replaces in place since both carry the job id). Lets a page
 * that reloads pass `messages` to `useChat` without storing them anywhere. Jobs past
 * `limits.retentionMs` are gone, and so are their messages.
 */
import type { ViewerSink } from '../viewer'
import type { JobSummary } from '../engine-types'
import type { JobsRouteContext } from '../http/handler'
import { createUiChunkMapper } from './chunk-mapper'
import { nothingKnown } from './chat-turn'
import type { UiChunk } from './ui-chunks'
import type { UiMessage } from './ui-parts'
import { partsFromChunks } from './ui-parts'

/** The chunks of a job's whole log (read like a viewer that attaches and leaves at once). */
async function jobChunks({ engine, userId }: JobsRouteContext, job: JobSummary): Promise<UiChunk[]> {
  const mapper = createUiChunkMapper({ messageId: job.id, known: nothingKnown(job) })
  const chunks: UiChunk[] = []
  const sink: ViewerSink = { send: frame => chunks.push(...mapper.frame(frame)), comment() {}, close() {} }
  const attachment = await engine.attachViewer(userId, job.id, sink, 0)
  attachment.detach()
  return chunks
}

/** The messages of chat `chatId` (this user's jobs in that thread only). */
export async function chatHistory(context: JobsRouteContext, chatId: string): Promise<UiMessage[]> {
  // More turns than a client may send back (limits.maxMessages) could not continue the chat anyway.
  const limit = Math.ceil(context.config.limits.maxMessages / 2)
  const newestFirst = (await context.engine.listJobs(context.userId, { threadId: chatId, limit })).filter(job => job.type === 'chat')
  // A regenerated (or edited) message keeps its id: only its newest answer counts, as in the client.
  const seen = new Set<string>()
  const jobs = newestFirst.filter((job) => {
    if (!job.messageId) return true
    if (seen.has(job.messageId)) return false
    seen.add(job.messageId)
    return true
  }).reverse()
  const answers = await Promise.all(jobs.map(job => jobChunks(context, job)))
  return jobs.flatMap((job, index): UiMessage[] => [
    { id: job.messageId ?? `${job.id}:user`, role: 'user', parts: [{ type: 'text', text: job.prompt ?? '' }] },
    { id: job.id, role: 'assistant', parts: partsFromChunks(answers[index]!) },
  ])
}
