/**
 * What other tabs and devices do to the open thread, through the notification stream: a job of
 * the thread started elsewhere appears (the turns are read again), a turn deleted elsewhere leaves
 * at once, and a thread the server could not open is read again when the stream reopens.
 */
import type { Ref } from 'vue'
import type { JobSummary } from '../../../app/lib/api-types'
import type { DeletedJobListener } from '../../../app/lib/deleted-jobs'
import type { NotificationListener, ReconnectListener } from '../../../app/lib/notification-listeners'
import { forgetDraft } from '../lib/drafts'
import { forgetThreadChoices } from '../lib/version-choices'
import type { ThreadJob } from '../lib/known-jobs'

export interface ThreadElsewhereOptions {
  threadId: string
  /** The newest page's turns (useThreadTurns). */
  jobs: Ref<JobSummary[]>
  turns: Ref<ThreadJob[]>
  refresh: () => Promise<unknown>
  remove: (jobId: string) => void
  /** Why the thread's turns could not be read, null when they were. */
  listFailed: Ref<string | null>
  /** useJobNotifications' `onNotification` and `onReconnect`, useBackgroundJobs' `onDeleted`. */
  onNotification: (listener: NotificationListener) => unknown
  onReconnect: (listener: ReconnectListener) => unknown
  onDeleted: (listener: DeletedJobListener) => unknown
}

export function useThreadElsewhere(options: ThreadElsewhereOptions): void {
  const { threadId, jobs, turns } = options
  const { markSeen } = useUnseenThreads()
  const { push: pushToast } = useToasts()
  // Jobs of this thread started in another tab appear here too.
  options.onNotification((notification) => {
    // A deletion is handled by onDeleted below; a new title changes no turn.
    if (notification.threadId !== threadId || notification.type === 'job-deleted' || notification.type === 'thread-renamed') return
    if (!jobs.value?.some(job => job.id === notification.jobId)) void options.refresh()
    if (!document.hidden) markSeen(threadId)
  })
  // The server is back (the notification stream reopened): a thread it could not open meanwhile
  // ("Couldn’t reach the server — the thread wasn’t opened") is read again, not left so until Retry.
  options.onReconnect(() => {
    if (options.listFailed.value !== null) void options.refresh()
  })
  /**
   * A turn deleted in another tab or device leaves the thread at once. When that was the whole
   * conversation this tab is showing, it opens a new one and says why, and the thread's draft goes
   * with it. (A delete made here is the thread list's: it opens a new thread itself once every
   * turn is gone. A turn the store lost, `lost`, stays: its stream ends, it shows as lost with its
   * text.)
   */
  options.onDeleted(({ jobId, threadId: deletedFrom, origin }) => {
    if (origin !== 'elsewhere') return
    if (deletedFrom !== threadId && !turns.value.some(job => job.id === jobId)) return
    const hadTurns = turns.value.length > 0
    options.remove(jobId)
    if (jobs.value?.some(job => job.id === jobId)) jobs.value = jobs.value.filter(job => job.id !== jobId)
    if (hadTurns && turns.value.length === 0) {
      // Gone with its conversation: what was typed in its box.
      forgetDraft(threadId)
      forgetThreadChoices(threadId)
      pushToast({ message: 'This conversation was deleted in another tab.', tone: 'info' })
      void navigateTo('/')
    }
  })
}
