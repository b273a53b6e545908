/**
 * A job as a user's notification feed gets it (`feed:userChanges`): the job document's fields
 * without the request (up to 1 MB, never read by the feed) and without the lease. Holds no Convex
 * functions itself.
 */
import { v } from 'convex/values'
import type { Doc } from './_generated/dataModel'
import { jobFields } from './schema'

const { jobId, userId, type, status, threadId, messageId, idempotencyKey, title, createdAt, updatedAt, endedAt, lastSeq } = jobFields

/** A changed job as `feed:userChanges` returns it. */
export const changedJobValidator = v.object({ jobId, userId, type, status, threadId, messageId, idempotencyKey, title, createdAt, updatedAt, endedAt, lastSeq })

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
