/**
 * Notifications for jobs that run on other instances. While a user has a notification stream
 * open here, the hub follows the user's jobs through the provider's `subscribeUserJobs` (a Convex
 * query subscription, no polling) and turns each changed record into the notification a local run
 * would have sent: a new job → `job-created`, `waiting` → `input-request` (one per pending request,
 * read from the stored state), a request answered since the stream opened → `input-answered` (read
 * from the stored state when the job waits, or leaves `waiting`), any other status drops the
 * job's answered requests from the replay backlog, a terminal status → `job-end`, a deleted job
 * (where the provider tells) → `job-deleted`, a job its owner found lost from the store (where the
 * provider tells: `publishJobLost`) → `job-lost`, a thread the user renamed (on any instance, where
 * the provider tells) → `thread-renamed`. The hub drops what was already sent.
 */
import { isTerminalStatus } from '../../shared/events'
import type { Logger } from './logger'
import type { FollowUser, JobNotification } from './notifications'
import type { ChangedJobRecord, JobProvider, ThreadRenamed } from './providers/types'
import type { TimerSet } from './timers'

/**
 * A failed read of a job's questions (and answers) is tried again after this, doubling, up to
 * `STATE_READ_ATTEMPTS` reads: the feed does not deliver the same record again, so a passing store
 * fault would lose the `input-request` notification for good.
 */
export const STATE_RETRY_BASE_MS = 500
export const STATE_READ_ATTEMPTS = 5

/** What the feed needs from the engine. */
export interface UserFeedOptions {
  provider: JobProvider
  /** The hub's `notify` (it drops duplicates). */
  notify: (userId: string, notification: Omit<JobNotification, 'id' | 'at'>) => void
  /** The hub's `jobDeleted`: a job of the user was deleted (on any instance). */
  jobDeleted: (userId: string, jobId: string) => void
  /** The hub's `jobLost`: the store lost a running job of the user (its owner, elsewhere, found it gone). @default not followed */
  jobLost?: (userId: string, jobId: string) => void
  /** The hub's `threadRenamed`: a thread of the user was renamed (on any instance; the hub drops the rename it told already). @default not followed */
  threadRenamed?: (userId: string, threadId: string, title: string, renameId: string, jobId: string) => void
  /**
   * The hub's `inputSettled`: a request of a job of the user (a list: every one but these, still
   * pending; nothing: every one) no longer waits.
   */
  inputSettled: (userId: string, jobId: string, requests?: string | readonly string[]) => void
  now: () => number
  logger: Logger
  /** The engine's timers (retries of a failed read). */
  timers: TimerSet
  /** True for a job whose run is in this process: the run notifies by itself. */
  isLocal: (jobId: string) => boolean
}

/**
 * How long before a stream opened an answer is still news to it: the answer's time is the owner's
 * clock, the stream's start this instance's, and instances' clocks differ a little. An older answer
 * is not notified (the stream never showed its question as new).
 */
export const ANSWER_NEWS_SKEW_MS = 5_000

/** The hub's `follow`, or undefined when the provider cannot follow a user's jobs (one process). */
export function createUserFeed(options: UserFeedOptions): FollowUser | undefined {
  const { provider, notify, jobDeleted, jobLost, threadRenamed, inputSettled, now, logger, timers, isLocal } = options
  const subscribeUserJobs = provider.subscribeUserJobs?.bind(provider)
  if (!subscribeUserJobs) return undefined

  const follow: FollowUser = (userId, since) => {
    // Jobs created from now on (or from the position a stream resumes from) are new to this stream.
    // Instances' clocks may differ by a little: at worst a job created right at this moment on
    // another instance gets no `job-created`.
    const startedAt = Math.min(now(), since ?? Number.POSITIVE_INFINITY)
    let stopped = false
    // One record at a time, in delivery order, so a job's notifications keep their order.
    let queue = Promise.resolve()
    // The last status seen of each of the user's jobs still going (a job that leaves `waiting`
    // had its questions answered); dropped at the job's end or deletion, and with the follow.
    const statuses = new Map<string, ChangedJobRecord['status']>()

    /** Whether the job may have had a question answered since the last record: read its state then. */
    function mayHaveAnswers(record: ChangedJobRecord, previous: ChangedJobRecord['status'] | undefined): boolean {
      if (record.status === 'waiting') return true
      if (isTerminalStatus(record.status)) return false
      // Left `waiting`, or first seen here going on after it existed already (it may have waited).
      return previous === 'waiting' || (previous === undefined && record.createdAt < startedAt)
    }

    /** The stored state of a job, read again (backing off) while the store fails, until this stream stops. */
    async function storedState(jobId: string) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await provider.getState(jobId)
        }
        catch (error) {
          if (stopped || attempt >= STATE_READ_ATTEMPTS) throw error
          // The engine's dispose clears its timers: the wait ends then too (`stopped` follows).
          await new Promise<void>(resolve => timers.timeout(resolve, STATE_RETRY_BASE_MS * 2 ** (attempt - 1), { onClear: resolve }))
          if (stopped) return null
        }
      }
    }

    async function handle(record: ChangedJobRecord) {
      if (stopped || record.userId !== userId || isLocal(record.id)) return
      const base = { jobId: record.id, threadId: record.threadId, title: record.title }
      const previous = statuses.get(record.id)
      if (isTerminalStatus(record.status)) statuses.delete(record.id)
      else statuses.set(record.id, record.status)
      if (record.createdAt >= startedAt) notify(userId, { ...base, type: 'job-created', status: record.status })
      if (mayHaveAnswers(record, previous)) {
        const state = await storedState(record.id)
        if (stopped || !state) return
        // Answered here, on another tab or instance, or by a timeout: other tabs stop asking.
        for (const answered of state.answeredInputs) {
          if (answered.answeredAt < startedAt - ANSWER_NEWS_SKEW_MS) continue
          notify(userId, { ...base, type: 'input-answered', status: record.status, requestId: answered.requestId })
        }
        if (record.status === 'waiting') {
          // Still waiting, maybe on other questions: one asked in parallel and answered since leaves.
          inputSettled(userId, record.id, state.pendingInputs.map(pending => pending.requestId))
          for (const pending of state.pendingInputs) {
            notify(userId, { ...base, type: 'input-request', status: 'waiting', requestId: pending.requestId, prompt: pending.prompt, kind: pending.kind })
          }
        }
      }
      if (record.status !== 'waiting') {
        // No longer waiting: its questions were answered (here, on another tab or instance).
        inputSettled(userId, record.id)
        if (isTerminalStatus(record.status)) notify(userId, { ...base, type: 'job-end', status: record.status })
      }
    }

    function gone(jobId: string, tell: (userId: string, jobId: string) => void, failed: string) {
      queue = queue.then(() => {
        statuses.delete(jobId)
        if (!stopped) tell(userId, jobId)
      }).catch((error: unknown) => {
        logger.error(failed, { jobId, error })
      })
    }

    const unsubscribe = subscribeUserJobs(userId, (records) => {
      for (const record of records) {
        queue = queue.then(() => handle(record)).catch((error: unknown) => {
          logger.error('a notification from another instance failed', { jobId: record.id, error })
        })
      }
    }, {
      // What changed since the stream's position, while nothing here followed the user, too.
      ...(since === undefined ? {} : { since: startedAt }),
      // In the same queue: a deletion (or loss) comes after the job's earlier notifications.
      onDeleted: jobId => gone(jobId, jobDeleted, 'a deletion from another instance failed'),
      ...(jobLost ? { onLost: (jobId: string) => gone(jobId, jobLost, 'a lost job\'s notification from another instance failed') } : {}),
      // In the same queue too: a rename before a deletion in its thread is dropped by it, as here.
      ...(threadRenamed
        ? { onRenamed: ({ threadId, title, renameId, jobId }: ThreadRenamed) => {
            queue = queue.then(() => {
              if (!stopped) threadRenamed(userId, threadId, title, renameId, jobId)
            }).catch((error: unknown) => {
              logger.error('a rename from another instance failed', { error })
            })
          } }
        : {}),
    })
    return () => {
      stopped = true
      statuses.clear()
      unsubscribe()
    }
  }

  /**
   * The questions of jobs elsewhere that the replay backlog still asks, read again: the feed was
   * stopped while no stream was open, so an answer given meanwhile (or the job's end) never reached
   * the hub. One no longer pending leaves the backlog and is told as `input-answered` (or the job's
   * `job-end`); a read that fails keeps it (it may still wait).
   */
  follow.recheck = async (userId, requests) => {
    const jobIds = [...new Set(requests.map(request => request.jobId))].filter(jobId => !isLocal(jobId))
    await Promise.all(jobIds.map(async (jobId) => {
      let state: Awaited<ReturnType<JobProvider['getState']>>
      try {
        state = await provider.getState(jobId)
      }
      catch (error) {
        logger.error('a question of another instance could not be read again', { jobId, error })
        return
      }
      if (isLocal(jobId)) return
      const asked = requests.filter(request => request.jobId === jobId)
      const base = { jobId, threadId: asked[0]!.threadId, title: asked[0]!.title }
      if (!state) return inputSettled(userId, jobId)
      if (isTerminalStatus(state.status)) {
        inputSettled(userId, jobId)
        return notify(userId, { ...base, type: 'job-end', status: state.status })
      }
      const pending = new Set(state.pendingInputs.map(input => input.requestId))
      for (const { requestId } of asked) {
        if (!requestId || pending.has(requestId)) continue
        notify(userId, { ...base, type: 'input-answered', status: state.status, requestId })
      }
    }))
  }
  return follow
}
