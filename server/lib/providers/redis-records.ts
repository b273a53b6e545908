/**
 * How the `redis` provider lays out a job in Redis, and decoding it back. A job is one hash: the
 * fields that never change as one JSON (`meta`, with the request as a listing needs it), the whole
 * request as its own JSON (`request`), the ones scripts read or change as plain fields. A listing
 * reads every field but `request` (`LISTED_FIELDS`): an AI SDK chat stores its whole history in
 * every turn's request, which one page of a long chat's jobs would read many times over.
 */
import type { JobEvent, JobStatus } from '../../../shared/events'
import type { JobRecord, JobRequest, NewJobRecord, StoredJobControl } from './types'
import type { Numbered } from './redis-follow'

/**
 * The fields of a record that never change after `create`. Records stored before the request had
 * its own field hold the whole request here (and no `request` field).
 */
type JobMeta = Pick<JobRecord, 'userId' | 'type' | 'threadId' | 'messageId' | 'idempotencyKey' | 'title' | 'request' | 'createdAt'>

/** The hash fields a listing reads: all that `decodeRecord` reads but the whole request. */
export const LISTED_FIELDS = ['meta', 'status', 'storeCreatedAt', 'updatedAt', 'endedAt', 'lastSeq', 'leaseInstance', 'leaseEpoch', 'leaseExpiresAt'] as const

/**
 * The request as a listing returns it: a chat's only message is its last user message (what its
 * summary shows), with its metadata, model, tools, trace and fingerprint, and without `clientBody`
 * (the AI SDK app's own body fields, up to 16 KiB: only the hooks read them, and they get the job
 * whole, decision 27); a workflow's is whole.
 */
export function listedRequest(request: JobRequest): JobRequest {
  if (request.type !== 'chat') return request
  const { clientBody: _clientBody, ...listed } = request
  const lastUser = request.messages.findLast(message => message.role === 'user')
  return { ...listed, messages: lastUser ? [lastUser] : [] }
}

/** The key names of one prefix (see docs/providers.md, "Keys"). */
export function redisKeys(prefix: string) {
  return {
    job: (id: string) => `${prefix}job:${id}`,
    log: (id: string) => `${prefix}log:${id}`,
    controls: (id: string) => `${prefix}ctl:${id}`,
    replies: (id: string) => `${prefix}replies:${id}`,
    replyChannel: (id: string) => `${prefix}reply:${id}`,
    user: (userId: string) => `${prefix}user:${userId}`,
    deletedOfUser: (userId: string) => `${prefix}deleted:${userId}`,
    lostOfUser: (userId: string) => `${prefix}lost:${userId}`,
    changedOfUser: (userId: string) => `${prefix}changed:${userId}`,
    active: `${prefix}active`,
    activeOfUser: (userId: string) => `${prefix}active:${userId}`,
  }
}

/** The `meta` JSON of a new record. */
export function encodeMeta(record: NewJobRecord): string {
  const meta: JobMeta = {
    userId: record.userId,
    type: record.type,
    threadId: record.threadId,
    messageId: record.messageId,
    idempotencyKey: record.idempotencyKey,
    title: record.title,
    request: listedRequest(record.request),
    createdAt: record.createdAt,
  }
  return JSON.stringify(meta)
}

/** The `request` field of a new record: the whole request. */
export function encodeRequest(record: NewJobRecord): string {
  return JSON.stringify(record.request)
}

/**
 * A record from the flat `HGETALL` reply (field, value, field, value …), or null for an empty one;
 * without a `request` field (a listing's read, or a record stored before it), the request of `meta`.
 */
export function decodeRecord(id: string, flat: string[] | Record<string, string> | null): JobRecord | null {
  const fields: Record<string, string> = Array.isArray(flat) ? {} : (flat ?? {})
  if (Array.isArray(flat)) for (let index = 0; index + 1 < flat.length; index += 2) fields[flat[index]!] = flat[index + 1]!
  if (!fields.meta) return null
  const meta = JSON.parse(fields.meta) as JobMeta
  const hasLease = Boolean(fields.leaseInstance)
  return {
    id,
    ...meta,
    request: fields.request ? JSON.parse(fields.request) as JobRequest : meta.request,
    status: fields.status as JobStatus,
    // Redis's clock at the create (none on a job an earlier version stored).
    ...(fields.storeCreatedAt ? { storeCreatedAt: Number(fields.storeCreatedAt) } : {}),
    updatedAt: Number(fields.updatedAt),
    endedAt: fields.endedAt ? Number(fields.endedAt) : null,
    lastSeq: Number(fields.lastSeq),
    lease: hasLease ? { instanceId: fields.leaseInstance!, epoch: Number(fields.leaseEpoch), expiresAt: Number(fields.leaseExpiresAt) } : null,
  }
}

/** A record as a listing reads it: the `HMGET` reply of `LISTED_FIELDS`, or null for a missing one. */
export function decodeListedRecord(id: string, values: Array<string | null>): JobRecord | null {
  const fields: Record<string, string> = {}
  LISTED_FIELDS.forEach((field, index) => {
    const value = values[index]
    if (value !== null && value !== undefined) fields[field] = value
  })
  return decodeRecord(id, fields)
}

/** The `XRANGE` reply: `[[id, [field, value, …]], …]`. */
export type StreamEntries = Array<[string, string[]]>

/** The events of a stored batch (or a published one), numbered by the seqs they cover. */
export function numberEvents(events: JobEvent[]): Array<Numbered<JobEvent>> {
  return events.map(event => ({ first: event.fromSeq ?? event.seq, last: event.seq, item: event }))
}

/** The events of `XRANGE` entries of a log stream. */
export function eventsOfEntries(entries: StreamEntries): JobEvent[] {
  return entries.flatMap(([, fields]) => JSON.parse(fields[1]!) as JobEvent[])
}

/** A control as the send script stores and publishes it. */
interface StoredControlJson {
  number: number
  type: 'abort' | 'input'
  userId: string
  requestId?: string
  answer?: unknown
  sentAt: number
}

/** A stored (or published) control, numbered. */
export function decodeControl(json: string): Numbered<StoredJobControl> {
  const stored = JSON.parse(json) as StoredControlJson
  const { number, type, userId, sentAt } = stored
  const item: StoredJobControl = type === 'abort'
    ? { type, userId, ...(stored.answer === undefined ? {} : { answer: stored.answer }), id: String(number), sentAt }
    : { type, userId, requestId: stored.requestId ?? '', answer: stored.answer, id: String(number), sentAt }
  return { first: number, last: number, item }
}

/** The batch's heads for the append script: [fromSeq, seq, type, status, at] per event. */
export function eventHeads(events: JobEvent[]): string {
  return JSON.stringify(events.map(event => [event.fromSeq ?? event.seq, event.seq, event.type, 'status' in event ? event.status : '', event.at]))
}
