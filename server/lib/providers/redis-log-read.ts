/**
 * Reading a job's log from the `redis` provider: its Stream of batches from a seq, a page of
 * `XRANGE` at a time, and the job's state reduced from it. The log is read before the record, so a
 * job deleted by retention in between (both go at once) is null, never an empty `queued` job; and
 * a job whose log is gone while its record says it stored events (evicted on its own) is lost.
 */
import type { JobEvent } from '../../../shared/events'
import type { JobState } from '../../../shared/reducer'
import { createJobState, reduceEvents } from '../../../shared/reducer'
import type { StreamEntries } from './redis-records'
import { eventsOfEntries, redisKeys } from './redis-records'
import type { EventRange, JobRecord } from './types'

/** Stream entries read per `XRANGE` page. */
const READ_PAGE = 500

/** A seq to read after: garbage and negative values mean "from the start". */
export function normalizeSeq(afterSeq: number): number {
  return Number.isFinite(afterSeq) && afterSeq > 0 ? Math.floor(afterSeq) : 0
}

/** What the log reads need of the provider. */
export interface RedisLogReadOptions {
  prefix: string
  command: <T>(args: string[]) => Promise<T>
  /** A record as listings return it (no whole request, redis-records.ts). */
  getListed: (id: string) => Promise<JobRecord | null>
}

/** Creates the log reads of one `redis` provider. */
export function createRedisLogReads({ prefix, command, getListed }: RedisLogReadOptions) {
  const keys = redisKeys(prefix)

  async function readEntries(id: string, afterSeq: number): Promise<JobEvent[]> {
    const events: JobEvent[] = []
    let from = `${afterSeq + 1}-0`
    for (;;) {
      const entries = await command<StreamEntries>(['XRANGE', keys.log(id), from, '+', 'COUNT', String(READ_PAGE)])
      events.push(...eventsOfEntries(entries).filter(event => event.seq > afterSeq))
      if (entries.length < READ_PAGE) return events
      from = `(${entries.at(-1)![0]}`
    }
  }

  /**
   * The log after a seq, and the end of a job closed without it (`closedEnd`, redis-refused-end.ts):
   * that end follows what the log holds; a log Redis cannot read (a key of another type) is then
   * read as empty and not `complete`. Without a closed end, a failed read throws as it is.
   */
  async function readLog(id: string, afterSeq: number): Promise<EventRange> {
    const [read, closedJson] = await Promise.all([
      readEntries(id, afterSeq).then(events => ({ events }), (error: unknown) => ({ error })),
      command<string | null>(['HGET', keys.job(id), 'closedEnd']),
    ])
    if (closedJson === null) {
      if ('error' in read) throw read.error
      return { events: read.events, complete: true }
    }
    const end = JSON.parse(closedJson) as JobEvent
    const events = 'error' in read ? [] : read.events
    if (end.seq > afterSeq) events.push(end)
    return { events, complete: !('error' in read) }
  }

  async function readEvents(id: string, afterSeq: number): Promise<EventRange | null> {
    // The log first, then whether the job is still there: retention deletes both at once, so a job
    // that exists after the read had its whole log read (checking first could read the empty log
    // of a job deleted in between, and hand on an empty `queued` job).
    const range = await readLog(id, normalizeSeq(afterSeq))
    if (!await logHeld(id)) return null
    // Redis keeps a job's whole log until the job is deleted, so a range is complete (but a log it cannot read).
    return range
  }

  /**
   * Whether the job is still there with its log: a job that stored events but whose log is gone
   * (evicted on its own) is lost, not a job with an empty log (the next write drops what is left).
   */
  async function logHeld(id: string): Promise<boolean> {
    const [lastSeq, logs] = await Promise.all([
      command<string | null>(['HGET', keys.job(id), 'lastSeq']),
      command<number>(['EXISTS', keys.log(id)]),
    ])
    return lastSeq !== null && (Number(lastSeq) === 0 || Number(logs) === 1)
  }

  async function getState(id: string): Promise<JobState | null> {
    // The log before the record, as in readEvents: a job deleted meanwhile is null, not empty.
    const { events } = await readLog(id, 0)
    // Its head only (type, createdAt, lastSeq): not a long chat's whole request.
    const record = await getListed(id)
    if (!record) return null
    // None read of a job that stored events: its first append may have come in between, or its log was lost.
    if (record.lastSeq > 0 && events.length === 0 && !await logHeld(id)) return null
    return reduceEvents(createJobState({ id, type: record.type, createdAt: record.createdAt }), events)
  }

  return { readEntries, readLog, readEvents, getState }
}
