/**
 * Threads without storage: a thread is the user's jobs that share a `threadId`. These pure helpers
 * group a job list into threads and rebuild the chat history the next job is sent.
 */
import type { ChatHistoryMessage, JobSummary } from '../../../app/lib/api-types'
import type { TurnJob } from '../../../shared/current-turns'
import { currentTurns } from '../../../shared/current-turns'
import { isTerminalStatus } from '../../../shared/events'
import type { ThreadJob } from './known-jobs'
import type { TurnReport } from './turn-report'
import { plainTitle } from './wording'

/** One entry of the thread list. */
export interface ThreadSummary {
  threadId: string
  title: string
  /** Newest job's last change (epoch ms), for sorting. */
  updatedAt: number
  jobCount: number
  /** True while any of its jobs is queued, running or waiting (on the server). */
  active: boolean
  /** True when a job waits for the user's answer. */
  waiting: boolean
}

/**
 * Groups jobs (any order) into threads, most recently updated first, titled in plain text. Jobs
 * without a thread are skipped; a job the server no longer has (`missing`) is never active.
 */
export function groupThreads(jobs: readonly ThreadJob[]): ThreadSummary[] {
  const byThread = new Map<string, ThreadJob[]>()
  for (const job of jobs) {
    if (!job.threadId) continue
    const list = byThread.get(job.threadId) ?? []
    list.push(job)
    byThread.set(job.threadId, list)
  }
  const threads: ThreadSummary[] = []
  for (const [threadId, list] of byThread) {
    const oldestFirst = sortOldestFirst(list)
    threads.push({
      threadId,
      title: plainTitle(oldestFirst[0]!.title) || 'Untitled',
      updatedAt: Math.max(...list.map(job => job.updatedAt)),
      jobCount: list.length,
      active: list.some(job => !job.missing && !isTerminalStatus(job.status)),
      waiting: list.some(job => !job.missing && job.status === 'waiting'),
    })
  }
  return threads.sort((a, b) => b.updatedAt - a.updatedAt)
}

/** A copy of the jobs sorted by creation time, oldest first (ties keep the id order). */
export function sortOldestFirst<Job extends JobSummary>(jobs: readonly Job[]): Job[] {
  return [...jobs].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
}

/**
 * One exchange of a thread, as the history needs it: its job's id, `messageId`, `createdAt` and
 * `startedBy` place it among the thread's turns, as the AI SDK messages route does.
 */
export interface ThreadTurn extends TurnJob {
  type: JobSummary['type']
  prompt: string
  /** The answer text; empty when the job produced none. */
  answer: string
  /** How the turn stands (see `TurnReport`). */
  status: TurnReport['status']
}

/**
 * What the AI SDK's messages route appends to a job id to name the user message of a job started
 * without `messageId` (server/lib/ai-sdk/user-message-ids.ts): a `regenerate()` or edit of such a
 * turn on the AI SDK page starts a job with `messageId: '<jobId>:user'`.
 */
const AI_SDK_USER_SUFFIX = ':user'

/**
 * The message a job answers: the `messageId` it was started with (Regenerate and Retry send the
 * key of the turn they repeat; `<jobId>:user`, the AI SDK page's answer to that turn, is job
 * `<jobId>`'s), else the job itself (a message's first answer).
 */
export function messageKeyOf(job: Pick<JobSummary, 'id' | 'messageId'>): string {
  if (job.messageId?.endsWith(AI_SDK_USER_SUFFIX)) return job.messageId.slice(0, -AI_SDK_USER_SUFFIX.length)
  return job.messageId ?? job.id
}

/** Turns whose answer is an answer: finished, or stopped by the user (who chose to keep the part written). */
const ANSWERED_STATUSES: ReadonlyArray<TurnReport['status']> = ['completed', 'aborted']

/**
 * The messages the next chat job is sent: the thread's current chat turns and their answers, then
 * the new prompt. `turns`: the thread's jobs the server lists, oldest first. Workflow jobs are not
 * chat history. The current turns are the ones the AI SDK messages route shows for the thread
 * (`currentTurns`, shared/current-turns.ts): of the jobs that answer the same message (Regenerate,
 * Retry, an edit) only the newest is history, as in chat apps, where only the chosen answer goes
 * on; none of them when the new prompt answers that message again (`nextKey`, `messageKeyOf`); a
 * turn that an edit of an earlier message dropped (on the AI SDK page) is not history either. A
 * failed turn's prompt is kept without its text (cut off, not an answer); a turn not finished, or
 * lost, is left out whole: the model never finished it, and half an answer must never pass for a
 * whole one.
 */
export function buildHistory(turns: readonly ThreadTurn[], nextPrompt: string, nextKey?: string): ChatHistoryMessage[] {
  const messages: ChatHistoryMessage[] = []
  for (const jobs of currentTurns(turns.filter(turn => turn.type === 'chat'))) {
    const turn = jobs.at(-1)!
    if (!turn.prompt || (nextKey !== undefined && messageKeyOf(turn) === nextKey)) continue
    const answered = ANSWERED_STATUSES.includes(turn.status)
    if (!answered && turn.status !== 'failed') continue
    messages.push({ role: 'user', content: turn.prompt })
    // Named by its job: the server puts that job's tool calls and results before it (the model learns
    // what its tools said). An answer of tool calls only goes too, with no text: the server sends
    // its rounds, or drops it when it has none to send.
    if (answered) messages.push({ role: 'assistant', content: turn.answer, jobId: turn.id })
  }
  messages.push({ role: 'user', content: nextPrompt })
  return messages
}
