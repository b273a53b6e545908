/**
 * Renaming a user's thread (`PATCH /api/jobs/threads/:threadId`): the title is stored per user and
 * thread by the provider (`renameThread`, which refuses a thread the user does not have), listed in
 * place of the first job's title, and told to the user's notification streams (`thread-renamed`),
 * so their other tabs show it: here at once, on other instances through the provider's user feed,
 * which carries the rename's id so this instance does not tell it twice. It goes with the thread's
 * last job (docs/decisions/033).
 */
import { randomUUID } from 'node:crypto'
import { normalizedThreadTitle, threadTitleProblem } from '../../shared/thread-title'
import { InvalidRequestError, ThreadNotFoundError } from './errors'
import type { NotificationHub } from './notifications'
import type { JobProvider } from './providers/types'

/** What renaming needs from the engine. */
export interface ThreadRenameOptions {
  provider: Pick<JobProvider, 'renameThread'>
  notifications: Pick<NotificationHub, 'threadRenamed'>
  /** Counts one rename request of the user against `limits.renamePerMinute` (429 past it). */
  limitRate: (userId: string) => Promise<void>
  /** Throws when the layer is switched off. */
  assertEnabled: () => void
}

/** Creates the engine's thread rename. */
export function createThreadRename({ provider, notifications, limitRate, assertEnabled }: ThreadRenameOptions) {
  /**
   * Gives the user's thread `title` (trimmed; 1–120 UTF-16 code units, no control character:
   * otherwise an `InvalidRequestError` naming `title`). Another user's thread, or none, is a
   * `ThreadNotFoundError` (404), with nothing stored or told. Each request with a valid title counts
   * against `limits.renamePerMinute` (a `RateLimitError`, 429, past it), a 404 too: a rename of
   * someone else's thread costs the store a read. Answers the thread and its title as stored.
   */
  async function renameThread(userId: string, threadId: string, title: string): Promise<{ threadId: string, title: string }> {
    assertEnabled()
    const problem = typeof title === 'string' ? threadTitleProblem(title) : 'must be a string'
    if (problem) throw new InvalidRequestError(`title: ${problem}`)
    const stored = normalizedThreadTitle(title)
    await limitRate(userId)
    const renameId = randomUUID()
    const newestJobId = await provider.renameThread(userId, threadId, stored, renameId)
    if (newestJobId === null) throw new ThreadNotFoundError(threadId)
    // Named by the thread's newest job, read in the same step as the write: when that job's
    // deletion was told meanwhile (a deletion racing this rename), the hub tells nothing of it.
    notifications.threadRenamed(userId, threadId, stored, renameId, newestJobId)
    return { threadId, title: stored }
  }

  return { renameThread }
}
