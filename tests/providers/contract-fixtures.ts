/**
 * Records and events for the provider contract suite. Every timestamp is explicit, so no test
 * depends on the wall clock.
 */
import { expect } from 'vitest'
import type { ActiveStatus, JobEvent, TerminalStatus } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import type { JobProvider, JobRecord, NewJobRecord } from '../../server/lib/providers/types'

/** Where the suite's clock starts (any fixed instant works). */
export const START_MS = 1_700_000_000_000

let jobCounter = 0

/** A new chat job for `user-a`, created one millisecond after the previous one. */
export function newJob(overrides: Partial<NewJobRecord> = {}): NewJobRecord {
  jobCounter++
  return {
    id: `job-${jobCounter}`,
    userId: 'user-a',
    type: 'chat',
    threadId: null,
    messageId: null,
    idempotencyKey: null,
    title: `Job ${jobCounter}`,
    request: { type: 'chat', messages: [{ role: 'user', content: 'Hello' }] },
    createdAt: START_MS + jobCounter,
    ...overrides,
  }
}

/** When an event of this seq happened (after every job's creation, increasing with seq). */
export function eventAt(seq: number): number {
  return START_MS + 1_000_000 + seq * 10
}

/** A `job-status` event. */
export function statusEvent(seq: number, status: ActiveStatus = 'running', at = eventAt(seq)): JobEvent {
  return { seq, at, type: 'job-status', status }
}

/** A `text-delta` event. */
export function textEvent(seq: number, offset: number, text: string, at = eventAt(seq)): JobEvent {
  return { seq, at, type: 'text-delta', offset, text }
}

/** A `job-end` event. */
export function endEvent(seq: number, status: TerminalStatus = 'completed', at = eventAt(seq)): JobEvent {
  return {
    seq,
    at,
    type: 'job-end',
    status,
    metrics: emptyMetrics(),
    ...(status === 'completed' ? {} : { error: { code: status, message: `job ${status}` } }),
  }
}

/** A short chat log: running, "Hello, world", then whatever `end` says (nothing by default). */
export function chatLog(end?: TerminalStatus): JobEvent[] {
  const log = [statusEvent(1), textEvent(2, 0, 'Hello'), textEvent(3, 5, ', world')]
  return end ? [...log, endEvent(4, end)] : log
}

/**
 * The lease of the writer in these tests. Shared stores keep a job's log for its lease holder
 * only (Convex refuses an append without the current epoch), so `createJob` gives every job this
 * lease unless a test passes another (or `lease: null` to claim it later), and appends carry its
 * epoch. It never expires.
 */
export const WRITER_LEASE = { instanceId: 'contract-writer', epoch: 1, expiresAt: Number.MAX_SAFE_INTEGER }

/** Creates a job (holding `WRITER_LEASE` unless overridden) and returns its record, failing the test if it was not new. */
export async function createJob(provider: JobProvider, overrides: Partial<NewJobRecord> = {}): Promise<JobRecord> {
  const { record, created } = await provider.create(newJob({ lease: WRITER_LEASE, ...overrides }))
  expect(created).toBe(true)
  return record
}

/** Appends events (as the writer of `epoch`) and fails the test unless the provider accepted them. */
export async function appendAccepted(provider: JobProvider, id: string, events: JobEvent[], epoch = WRITER_LEASE.epoch): Promise<void> {
  const result = await provider.appendEvents(id, events, { epoch })
  expect(result).toEqual({ ok: true, lastSeq: events.at(-1)?.seq ?? expect.any(Number) })
}

/** Creates a job that ended (with `status`) at `endedAt`. */
export async function createEndedJob(provider: JobProvider, endedAt: number, status: TerminalStatus = 'completed', overrides: Partial<NewJobRecord> = {}): Promise<JobRecord> {
  const record = await createJob(provider, overrides)
  await appendAccepted(provider, record.id, [statusEvent(1), endEvent(2, status, endedAt)])
  return record
}
