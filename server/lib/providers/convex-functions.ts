/**
 * References to the functions in `convex/`, and decoding of what they return.
 * Convex accepts a function's name ("module:function") wherever it takes a reference; naming them
 * here, typed from the generated `api`, keeps the `convex` package out of the import graph until
 * the provider is used.
 */
import type { FunctionReturnType } from 'convex/server'
import type { api } from '../../../convex/_generated/api'
import type { JobEvent } from '../../../shared/events'
import type { ChangedJobRecord, JobControl, JobRecord, JobRequest, StoredJobControl, StoredThread } from './types'

type Api = typeof api

function reference<Reference>(name: string): Reference {
  return name as unknown as Reference
}

/** Every Convex function the provider calls. */
export const convexFunctions = {
  create: reference<Api['jobs']['create']>('jobs:create'),
  get: reference<Api['jobs']['get']>('jobs:get'),
  getHead: reference<Api['jobs']['getHead']>('jobs:getHead'),
  getListed: reference<Api['jobs']['getListed']>('jobs:getListed'),
  listPage: reference<Api['jobPages']['page']>('jobPages:page'),
  countActive: reference<Api['jobs']['countActive']>('jobs:countActive'),
  appendEvents: reference<Api['events']['appendEvents']>('events:appendEvents'),
  readEvents: reference<Api['events']['readEvents']>('events:readEvents'),
  claimLease: reference<Api['leases']['claimLease']>('leases:claimLease'),
  heartbeatLease: reference<Api['leases']['heartbeatLease']>('leases:heartbeatLease'),
  listExpiredLeases: reference<Api['leases']['listExpiredLeases']>('leases:listExpiredLeases'),
  heartbeatInstance: reference<Api['leases']['heartbeatInstance']>('leases:heartbeatInstance'),
  clusterLoad: reference<Api['leases']['clusterLoad']>('leases:clusterLoad'),
  sendControl: reference<Api['controls']['send']>('controls:send'),
  readControls: reference<Api['controls']['readControls']>('controls:readControls'),
  replyToControl: reference<Api['controls']['reply']>('controls:reply'),
  readReply: reference<Api['controls']['readReply']>('controls:readReply'),
  takeRate: reference<Api['rates']['take']>('rates:take'),
  deleteJob: reference<Api['deletion']['deleteJob']>('deletion:deleteJob'),
  recordLost: reference<Api['deletion']['recordLost']>('deletion:recordLost'),
  userChanges: reference<Api['feed']['userChanges']>('feed:userChanges'),
  listThreads: reference<Api['threads']['listThreads']>('threads:listThreads'),
  renameThread: reference<Api['threads']['renameThread']>('threads:renameThread'),
  healthCheck: reference<Api['health']['check']>('health:check'),
}

/** A job as the Convex functions return it. */
export type StoredJobRecord = NonNullable<FunctionReturnType<Api['jobs']['get']>>

/** A page of event batches as `events:readEvents` returns it. */
export interface StoredEventPage {
  lastSeq: number
  batches: Array<{ firstSeq: number, lastSeq: number, eventsJson: string }>
  hasMore: boolean
}

/** A page of controls as `controls:readControls` returns it. */
export type StoredControlPage = NonNullable<FunctionReturnType<Api['controls']['readControls']>>

/** A control as stored: the contract's control with the answer as JSON. */
export type StoredControl = StoredControlPage['controls'][number]

/** A page of a user's changed jobs as `feed:userChanges` returns it. */
export type StoredUserChangePage = FunctionReturnType<Api['feed']['userChanges']>

/** The arguments of `controls:send` for a control. */
export function toControlArgs(jobId: string, control: JobControl) {
  // JSON.stringify(undefined) is undefined: the field is then left out and decodes back to undefined.
  const answerJson = JSON.stringify(control.answer) as string | undefined
  // An abort's answer (answer and stop: what the owner gives the pending approvals first).
  if (control.type === 'abort') return { jobId, type: control.type, userId: control.userId, ...(answerJson === undefined ? {} : { answerJson }) }
  return { jobId, type: control.type, userId: control.userId, requestId: control.requestId, ...(answerJson === undefined ? {} : { answerJson }) }
}

/** Converts a stored control to the contract's `StoredJobControl`. */
export function toStoredJobControl(stored: StoredControl): StoredJobControl {
  const { id, userId, sentAt } = stored
  const answer: unknown = stored.answerJson === undefined ? undefined : JSON.parse(stored.answerJson)
  if (stored.type === 'abort') return { type: 'abort', userId, ...(answer === undefined ? {} : { answer }), id, sentAt }
  return { type: 'input', userId, requestId: stored.requestId ?? '', answer, id, sentAt }
}

/** Converts a stored job to the contract's `JobRecord`. */
export function toJobRecord(stored: StoredJobRecord): JobRecord {
  const { jobId, requestJson, ...fields } = stored
  return { id: jobId, ...fields, request: JSON.parse(requestJson) as JobRequest }
}

/**
 * Converts a changed job as `feed:userChanges` returns it to the contract's `ChangedJobRecord`.
 * Takes only those fields: a deployment older than this version still sends the request and lease.
 */
export function toChangedJobRecord(stored: Omit<StoredJobRecord, 'requestJson' | 'lease'>): ChangedJobRecord {
  const { jobId, userId, type, status, threadId, messageId, idempotencyKey, title, createdAt, updatedAt, endedAt, lastSeq } = stored
  return { id: jobId, userId, type, status, threadId, messageId, idempotencyKey, title, createdAt, updatedAt, endedAt, lastSeq }
}

/** A thread as `threads:listThreads` returns it: its jobs once each, named by id. */
type ConvexThread = FunctionReturnType<Api['threads']['listThreads']>['threads'][number]

/** Converts a stored thread to the contract's thread (the same record may be first, last and active). */
export function toStoredThread(stored: ConvexThread): StoredThread {
  const records = new Map(stored.jobs.map(job => [job.jobId, toJobRecord(job)]))
  const record = (jobId: string) => {
    const found = records.get(jobId)
    if (!found) throw new Error(`threads:listThreads named job ${jobId} without its record`)
    return found
  }
  return { threadId: stored.threadId, ...(stored.title === undefined ? {} : { title: stored.title }), first: record(stored.firstId), last: record(stored.lastId), active: stored.activeIds.map(record) }
}

/** The events of a page with seq > `afterSeq`, in order (the first batch may start earlier). */
export function eventsAfter(page: StoredEventPage, afterSeq: number): JobEvent[] {
  const events: JobEvent[] = []
  for (const batch of page.batches) {
    if (batch.lastSeq <= afterSeq) continue
    for (const event of JSON.parse(batch.eventsJson) as JobEvent[]) {
      if (event.seq > afterSeq) events.push(event)
    }
  }
  return events
}
