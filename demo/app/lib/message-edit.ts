/**
 * "Edit" of a user message in the main chat, as in ChatGPT: the edited message is asked again in
 * its place and the turns after it leave the conversation. The server already places such an edit
 * for the AI SDK route (shared/current-turns.ts: an answer again from that route replaces its turn
 * in place and drops the later ones; server/lib/ai-sdk/dropped-turns.ts ends their running
 * answers), and the thread's jobs say so to every tab and after a reload. So the main chat posts
 * the edit there, with the newest message only (the server takes the history from the thread's
 * jobs), under the id the messages route gives that message.
 */
import { NAMED_JOB_SUFFIX } from '../../../shared/current-turns'
import type { ThreadJob } from './known-jobs'

/**
 * The user message id the AI SDK messages route gives the turn whose newest job is `job`
 * (server/lib/ai-sdk/user-message-ids.ts, `shownUserMessageIdOf`): the `messageId` it was started
 * with, named `<jobId>:user` when that is the id of a job of the thread started without one (a
 * main-chat Retry or Regenerate), else `<jobId>:user` of the job itself. `threadJobs`: the
 * thread's jobs (to tell which were started without a `messageId`).
 */
export function editedMessageId(job: Pick<ThreadJob, 'id' | 'messageId'>, threadJobs: readonly Pick<ThreadJob, 'id' | 'messageId'>[]): string {
  if (!job.messageId) return `${job.id}${NAMED_JOB_SUFFIX}`
  const startedWithout = threadJobs.some(other => other.id === job.messageId && !other.messageId)
  return startedWithout ? `${job.messageId}${NAMED_JOB_SUFFIX}` : job.messageId
}

/** The body of `POST /api/jobs/chat` for an edit: the message only, the thread's jobs being the history. */
export function editBody(threadId: string, messageId: string, text: string, useTools: boolean): Record<string, unknown> {
  return {
    id: threadId,
    message: { id: messageId, role: 'user', parts: [{ type: 'text', text }] },
    trigger: 'submit-message',
    messageId,
    ...(useTools ? {} : { tools: [] }),
  }
}

/**
 * The job id a UI message stream names in its `start` chunk (`data: {"type":"start","messageId":…}`),
 * read from the stream's text so far; undefined until that chunk has come whole.
 */
export function startedJobIdOf(streamText: string): string | undefined {
  for (const line of streamText.split('\n')) {
    if (!line.startsWith('data:')) continue
    try {
      const chunk = JSON.parse(line.slice(5).trim()) as { type?: unknown, messageId?: unknown }
      if (chunk.type === 'start' && typeof chunk.messageId === 'string') return chunk.messageId
    }
    catch {
      // A line cut in the middle (the rest comes with the next read), or `[DONE]`.
    }
  }
  return undefined
}
