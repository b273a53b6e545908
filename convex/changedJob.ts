/**
 * A job as a user's notification feed gets it (`feed:userChanges`): the job document's fields
 * without the request (up to 1 MB, never read by the feed) and without the lease; and a job as
 * `jobs:create` returns it when it stored it (the caller holds the request). Holds no Convex
 * functions itself.
 */
import { v } from 'convex/values'
import type { Doc } from './_generated/dataModel'
import { jobFields, leaseValidator } from './schema'

const { jobId, userId, type, status, threadId, messageId, idempotencyKey, title, createdAt, updatedAt, endedAt, lastSeq } = jobFields

/** A changed job as `feed:userChanges` returns it. */
export const changedJobValidator = v.object({ jobId, userId, type, status, threadId, messageId, idempotencyKey, title, createdAt, updatedAt, endedAt, lastSeq })

/**
 * A job `jobs:create` has just stored, as it returns it: with its lease, without the request the
 * caller has just sent.
 */
export const createdJobValidator = v.object({ ...changedJobValidator.fields, storeCreatedAt: v.optional(v.number()), lease: v.union(leaseValidator, v.null()) })

/** A job document in the shape `changedJobValidator` describes. */
export function toChangedJob(doc: Doc<'jobs'>): typeof changedJobValidator.type {
  return {
    jobId: doc.jobId,
    userId: doc.userId,
    type: doc.type,
    status: doc.status,
    threadId: doc.threadId,
    messageId: doc.messageId,
    idempotencyKey: doc.idempotencyKey,
    title: doc.title,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    endedAt: doc.endedAt,
    lastSeq: doc.lastSeq,
  }
}
