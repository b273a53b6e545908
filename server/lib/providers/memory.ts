/**
 * The memory provider: the reference implementation of the provider contract, for one process.
 * Plain maps only (jobs by id, an idempotency index, per-user id sets), bounded by `maxJobs`;
 * deleting a job leaves no entry behind in any map, so `stats()` returns to zero.
 */
import type { JobEvent } from '../../../shared/events'
import { isTerminalStatus } from '../../../shared/events'
import { createJobState } from '../../../shared/reducer'
import type { LeaseMethods } from './memory-leases'
import { createMemoryLeases } from './memory-leases'
import { createAddressJobs } from './memory-address-jobs'
import { createUserJobLists } from './memory-user-jobs'
import { createThreadIndex } from './memory-threads'
import type { StoredJob } from './memory-job'
import { checkAppend, copyRecord, firstIndexAfter, stateOf } from './memory-job'
import type { ExpiredJob, JobProvider, JobRecord } from './types'
import { ActiveLimitError, RateRefusedError } from './types'
import { BackgroundJobsError } from '../errors'
import { createSlidingWindows } from '../rate-limit'
import type { Metrics } from '../metrics'
import { useMetrics } from '../metrics'

/** Options of `createMemoryProvider`. */
export interface MemoryProviderOptions {
  /** The most jobs held at once; finished jobs are evicted first. @default 10_000 */
  maxJobs?: number
  /** The clock used for leases and rate windows. @default Date.now */
  now?: () => number
  /** Called when a subscriber of job `jobId` throws (the append itself already succeeded). @default console.error */
  onListenerError?: (error: unknown, jobId: string) => void
  /** Where finished jobs evicted to make room are counted (`jobs_deleted_total{reason="evicted"}`). @default the process registry */
  metrics?: Metrics
}

/** Counts of everything the provider holds; all zero once every job is gone. */
export interface MemoryProviderStats {
  jobs: number
  events: number
  idempotencyKeys: number
  users: number
  listeners: number
  /** Threads in the thread index (memory-threads.ts). */
  threads: number
}

/** The memory provider: the whole contract (subscribe and leases included) plus counts for hygiene tests. */
export type MemoryProvider = JobProvider & LeaseMethods & Required<Pick<JobProvider, 'subscribe' | 'dispose'>> & {
  readonly name: 'memory'
  stats(): MemoryProviderStats
}

/** Thrown by `create` when `maxJobs` jobs are held and none of them is finished. */
export class ProviderFullError extends BackgroundJobsError {
  override readonly name = 'ProviderFullError'
  /** The server is at capacity: 503, try again later. */
  override readonly statusCode = 503
  constructor(readonly maxJobs: number) {
    // No setting raises it (the server warns at boot when limits.maxConcurrentJobs is above it): not named to clients.
    super(`The memory provider holds its maximum of ${maxJobs} jobs and none has finished; try again when a job has ended`)
  }
}

/** How many jobs a memory provider holds unless told otherwise. */
export const DEFAULT_MAX_JOBS = 10_000
const DEFAULT_LIST_LIMIT = 50

/** Creates a memory provider. */
export function createMemoryProvider(options: MemoryProviderOptions = {}): MemoryProvider {
  const maxJobs = options.maxJobs ?? DEFAULT_MAX_JOBS
  const now = options.now ?? Date.now
  const onListenerError = options.onListenerError ?? ((error: unknown, jobId: string) => console.error(`[background-jobs] memory provider listener of job ${jobId} failed`, error))
  const metrics = options.metrics ?? useMetrics()

  const jobs = new Map<string, StoredJob>()
  /** `userId` NUL `idempotencyKey` → job id. */
  const idempotencyIndex = new Map<string, string>()
  const userJobs = createUserJobLists()
  /** Finished job ids in the order they ended: the first is the first to evict. */
  const finishedIds = new Set<string>()
  /** The ids of each user's jobs not yet ended (counts for the limits, and the live part of threads). */
  const activeByUser = new Map<string, Set<string>>()
  /** The active jobs counted under an anonymous client address (`maxActivePerAddress`). */
  const addressJobs = createAddressJobs()
  const threadIndex = createThreadIndex()
  let activeCount = 0
  let eventCount = 0
  const rateWindows = createSlidingWindows(now)

  const idempotencyKeyOf = (userId: string, key: string) => `${userId}\u0000${key}`

  function changeActive(record: JobRecord, delta: 1 | -1): void {
    activeCount += delta
    const ids = activeByUser.get(record.userId) ?? new Set<string>()
    if (delta > 0) ids.add(record.id)
    else ids.delete(record.id)
    if (ids.size > 0) activeByUser.set(record.userId, ids)
    else activeByUser.delete(record.userId)
    if (delta < 0) addressJobs.remove(record.id)
  }

  /** Removes a finished job and every index entry that points to it. */
  function deleteJob(id: string): void {
    const job = jobs.get(id)
    if (!job) return
    const { record } = job
    jobs.delete(id)
    finishedIds.delete(id)
    eventCount -= job.events.length
    job.listeners.clear()
    // Its followers learn it is gone (retention, a deletion, an eviction alike): nothing more comes.
    const watchers = [...job.goneWatchers]
    job.goneWatchers.clear()
    for (const watcher of watchers) {
      try {
        watcher()
      }
      catch (error) {
        onListenerError(error, id)
      }
    }
    if (record.idempotencyKey !== null) idempotencyIndex.delete(idempotencyKeyOf(record.userId, record.idempotencyKey))
    userJobs.remove(record.userId, record)
    threadIndex.remove(record)
    if (!isTerminalStatus(record.status)) changeActive(record, -1)
  }

  /**
   * Makes room for one more job, or throws when every held job is still active. Each finished job
   * evicted is handed to `onEvicted` (create's option): its user's streams are told as after retention.
   */
  function makeRoom(onEvicted?: (job: ExpiredJob) => void): void {
    while (jobs.size >= maxJobs) {
      const oldest = finishedIds.values().next()
      if (oldest.done) throw new ProviderFullError(maxJobs)
      const { id, userId, threadId } = jobs.get(oldest.value)!.record
      deleteJob(id)
      // Before its retention ran out: an operator sees retention cut short here.
      metrics.increment('jobs_deleted_total', { reason: 'evicted' })
      onEvicted?.({ id, userId, threadId })
    }
  }

  function notify(job: StoredJob, events: JobEvent[]): void {
    if (job.listeners.size === 0) return
    for (const listener of [...job.listeners]) {
      try {
        listener(events)
      }
      catch (error) {
        // The events are stored already: one broken viewer must not fail the writer.
        onListenerError(error, job.record.id)
      }
    }
  }

  return {
    name: 'memory',

    async create(newRecord, createOptions = {}) {
      if (newRecord.idempotencyKey !== null) {
        const existingId = idempotencyIndex.get(idempotencyKeyOf(newRecord.userId, newRecord.idempotencyKey))
        const existing = existingId === undefined ? undefined : jobs.get(existingId)
        if (existing) return { record: copyRecord(existing.record), created: false }
      }
      if (jobs.has(newRecord.id)) throw new Error(`A job with id ${newRecord.id} already exists`)
      const { maxActive, maxActivePerUser, maxActivePerAddress } = createOptions
      const active = activeByUser.get(newRecord.userId)
      // Jobs the caller ends once this one is created count as free while they are still active.
      const freed = [...new Set(createOptions.freeing ?? [])].filter(id => active?.has(id) === true).length
      if (maxActivePerUser !== undefined && (active?.size ?? 0) - freed >= maxActivePerUser) throw new ActiveLimitError('user', maxActivePerUser)
      if (maxActivePerAddress && addressJobs.count(maxActivePerAddress.address, createOptions.freeing) >= maxActivePerAddress.limit) throw new ActiveLimitError('address', maxActivePerAddress.limit)
      if (maxActive !== undefined && activeCount - freed >= maxActive) throw new ActiveLimitError('global', maxActive)
      // Full before anything is counted: a refused creation takes no hit from its rate windows.
      if (jobs.size - finishedIds.size >= maxJobs) throw new ProviderFullError(maxJobs)
      const refused = createOptions.rates?.length ? rateWindows.takeAll(createOptions.rates) : null
      if (refused) throw new RateRefusedError(refused.retryAfterMs, refused.key)
      makeRoom(createOptions.onEvicted)
      const record: JobRecord = {
        ...newRecord,
        status: 'queued',
        // The provider's clock, the one its leases expire on (a takeover counts the time limit from it).
        storeCreatedAt: now(),
        updatedAt: newRecord.createdAt,
        endedAt: null,
        lastSeq: 0,
        lease: newRecord.lease ? { ...newRecord.lease } : null,
      }
      jobs.set(record.id, {
        record,
        events: [],
        state: createJobState({ id: record.id, type: record.type, createdAt: record.createdAt }),
        stateEvents: 0,
        listeners: new Set(),
        goneWatchers: new Set(),
      })
      if (record.idempotencyKey !== null) idempotencyIndex.set(idempotencyKeyOf(record.userId, record.idempotencyKey), record.id)
      userJobs.add(record.userId, record)
      threadIndex.add(record)
      changeActive(record, 1)
      if (maxActivePerAddress) addressJobs.add(record.id, maxActivePerAddress.address)
      return { record: copyRecord(record), created: true }
    },

    async get(id, owner) {
      const job = jobs.get(id)
      return job && (!owner || job.record.userId === owner.userId) ? copyRecord(job.record) : null
    },

    async list(filter) {
      const limit = Math.max(0, filter.limit ?? DEFAULT_LIST_LIMIT)
      const statuses = filter.status ? new Set(filter.status) : null
      const matches: JobRecord[] = []
      if (limit === 0) return matches
      // Walked newest first from the bound, stopping at the limit: no sort of the user's jobs, and
      // for one thread only that thread's jobs (its index holds them in the same order).
      const ids = filter.threadId === undefined
        ? userJobs.newestFirst(filter.userId, filter.before)
        : threadIndex.jobsNewestFirst(filter.userId, filter.threadId, filter.before)
      for (const id of ids) {
        const { record } = jobs.get(id)!
        if (statuses && !statuses.has(record.status)) continue
        if (filter.threadId !== undefined && record.threadId !== filter.threadId) continue
        if (filter.messageId !== undefined && record.messageId !== filter.messageId) continue
        matches.push(copyRecord(record))
        if (matches.length >= limit) break
      }
      return matches
    },

    async listThreads({ userId, limit, before }) {
      const page = threadIndex.page(userId, Math.max(0, limit), before)
      const activeIds = activeByUser.get(userId) ?? new Set<string>()
      const active = [...activeIds].map(id => jobs.get(id)!.record)
      const threads = page.threads.map(({ threadId, firstId, lastId, title }) => ({
        threadId,
        ...(title === undefined ? {} : { title }),
        first: copyRecord(jobs.get(firstId)!.record),
        last: copyRecord(jobs.get(lastId)!.record),
        active: active.filter(record => record.threadId === threadId).map(copyRecord),
      }))
      const last = threads.at(-1)
      return { threads, next: page.more && last ? { newestAt: last.last.createdAt, threadId: last.threadId } : null }
    },

    async renameThread(userId, threadId, title) {
      return threadIndex.rename(userId, threadId, title)
    },

    async appendEvents(id, events, appendOptions) {
      const job = jobs.get(id)
      if (!job) return { ok: false, reason: 'not-found', lastSeq: 0 }
      const refusal = checkAppend(job, events, appendOptions?.epoch)
      if (refusal) return refusal
      if (events.length === 0) return { ok: true, lastSeq: job.record.lastSeq }
      const stored = events.slice()
      const { record } = job
      for (const event of stored) {
        job.events.push(event)
        if (event.type === 'job-status') record.status = event.status
        if (event.type === 'job-end') {
          record.status = event.status
          record.endedAt = event.at
          finishedIds.add(id)
          changeActive(record, -1)
        }
      }
      eventCount += stored.length
      record.lastSeq = stored.at(-1)!.seq
      record.updatedAt = stored.at(-1)!.at
      notify(job, stored)
      return { ok: true, lastSeq: record.lastSeq }
    },

    async readEvents(id, afterSeq) {
      const job = jobs.get(id)
      if (!job) return null
      // Memory keeps a job's whole log until the job is deleted, so a range is always complete.
      return { events: job.events.slice(firstIndexAfter(job.events, afterSeq)), complete: true }
    },

    async getState(id) {
      const job = jobs.get(id)
      return job ? stateOf(job) : null
    },

    async countActive(filter) {
      if (filter?.userId !== undefined) return activeByUser.get(filter.userId)?.size ?? 0
      return activeCount
    },

    async deleteExpired(endedBefore, limit = Number.POSITIVE_INFINITY, onDeleted) {
      const expired: JobRecord[] = []
      for (const id of finishedIds) {
        if (expired.length >= limit) break
        const { record } = jobs.get(id)!
        if (record.endedAt !== null && record.endedAt < endedBefore) expired.push(record)
      }
      for (const { id } of expired) deleteJob(id)
      for (const { id, userId, threadId } of expired) onDeleted?.({ id, userId, threadId })
      return expired.length
    },

    async deleteJob(id) {
      const job = jobs.get(id)
      if (!job) return 'not-found'
      if (!isTerminalStatus(job.record.status)) return 'active'
      deleteJob(id)
      return 'deleted'
    },

    async takeRate(key, limit, windowMs) {
      return rateWindows.take(key, limit, windowMs)
    },

    subscribe(id, listener, subscribeOptions = {}) {
      const job = jobs.get(id)
      if (!job) return () => {}
      job.listeners.add(listener)
      // A wrapper of its own: the same `onGone` given twice is still called once per subscription.
      const onGone = subscribeOptions.onGone
      const watcher = onGone && (() => onGone())
      if (watcher) job.goneWatchers.add(watcher)
      return () => {
        job.listeners.delete(listener)
        if (watcher) job.goneWatchers.delete(watcher)
      }
    },

    ...createMemoryLeases(jobs, now),

    async dispose() {
      for (const job of jobs.values()) {
        job.listeners.clear()
        job.goneWatchers.clear()
      }
      jobs.clear()
      idempotencyIndex.clear()
      userJobs.clear()
      finishedIds.clear()
      activeByUser.clear()
      addressJobs.clear()
      threadIndex.clear()
      activeCount = 0
      eventCount = 0
      rateWindows.clear()
    },

    stats() {
      let listeners = 0
      for (const job of jobs.values()) listeners += job.listeners.size
      return { jobs: jobs.size, events: eventCount, idempotencyKeys: idempotencyIndex.size, users: userJobs.users, listeners, threads: threadIndex.size() }
    },
  }
}
