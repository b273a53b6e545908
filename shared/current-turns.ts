/**
 * Which of a chat's jobs are its turns now, and in what order: the place-and-drop rule the AI SDK
 * messages route shows a thread by (server/lib/ai-sdk/chat-history.ts) and the demo's main chat
 * sends the model as history (demo/app/lib/threads.ts). One function, so the model gets the turns
 * the /ai-sdk page shows, whichever page goes on with the thread.
 */

/** What the rule reads of a chat job (`JobSummary` has it all). */
export interface TurnJob {
  id: string
  messageId: string | null
  createdAt: number
  /** `'jobs'`: started by `POST /api/jobs` (the main chat), where an answer again goes last. */
  startedBy?: 'jobs'
}

/** What the messages route appends to a job id to name the user message of a job started without `messageId`. */
export const NAMED_JOB_SUFFIX = ':user'

/** The job id in a user message id the messages route named after a job, if it is one. */
export function namedJobIdOf(messageId: string | null | undefined): string | undefined {
  return messageId?.endsWith(NAMED_JOB_SUFFIX) ? messageId.slice(0, -NAMED_JOB_SUFFIX.length) : undefined
}

/**
 * The chat's turns now, oldest first, each as the jobs that answered its user message, oldest
 * first (the last is its answer), replayed job by job as the clients held them: a new message is
 * a turn after the others; an answer again from the AI SDK route (a regeneration, an edit: the
 * message keeps its id, as in the client) replaces its turn in place and drops the turns after it;
 * one from the main chat (`startedBy: 'jobs'`, or a legacy job keyed by the id of a job started
 * without a `messageId`) moves its turn last, the turns between kept, as the main chat shows it. A
 * dropped turn stays dropped, also when a turn before it moves: its message is asked again only
 * by a job of its own, which places it last. `oldestFirst`: the chat jobs (no workflows), oldest
 * first.
 */
export function currentTurns<Job extends TurnJob>(oldestFirst: readonly Job[]): Job[][] {
  // Jobs started without one: their ids key the main chat's answers again.
  const startedWithout = new Set(oldestFirst.filter(job => !job.messageId).map(job => job.id))
  // Messages answered again by id: a main chat's answer again of job `<jobId>` keys its turn after
  // job `<jobId>` has gone (past retention first, being the turn's oldest; or deleted).
  const answeredAgain = new Set(oldestFirst.flatMap(job => (job.messageId ? [job.messageId] : [])))
  // Every message's jobs so far; `order` holds the keys of the turns now, oldest first.
  const jobsOf = new Map<string, Job[]>()
  let order: string[] = []
  for (const job of oldestFirst) {
    // A first answer started without one is keyed by its own id: the main chat's Regenerate and
    // Retry answer it again with `messageId` set to that id. The main chat shows such an answer
    // last, the turns between kept (they stay its history): a Retry of a failed turn mid-thread
    // must not read as an edit of an earlier message, which drops them. An AI SDK client answers
    // such a message again under the id the messages route gave it, `<jobId>:user`: the same
    // turn, in place, as its own edits are (also once job `<jobId>` is gone, while a job answering
    // it again keys the turn). The main chat's Retry of a turn started on the AI SDK route posts
    // that turn's AI SDK message id, as an AI SDK edit does: only `startedBy` tells the two apart.
    const named = namedJobIdOf(job.messageId)
    const sameTurn = named !== undefined && (startedWithout.has(named) || answeredAgain.has(named)) ? named : undefined
    const key = sameTurn ?? job.messageId ?? job.id
    const jobs = jobsOf.get(key)
    if (jobs) jobs.push(job)
    else jobsOf.set(key, [job])
    const at = order.indexOf(key)
    const moves = job.startedBy === 'jobs' || (startedWithout.has(key) && sameTurn === undefined)
    if (at === -1) order.push(key)
    else if (moves) order = [...order.slice(0, at), ...order.slice(at + 1), key]
    else order = order.slice(0, at + 1)
  }
  return order.map(key => jobsOf.get(key)!)
}
