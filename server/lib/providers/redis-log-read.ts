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
import type { ReadLogReply } from './redis-log-script'
import { READ_LOG_SCRIPT } from './redis-log-script'

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
  /** Runs one of the provider's Lua scripts (the prefix goes first, redis.ts). */
  script: <T>(source: string, args: string[]) => Promise<T>
  /** A record as listings return it (no whole request, redis-records.ts). */
  getListed: (id: string) => Promise<JobRecord | null>
}

/** A log read: its range, and whether the job was there with its log when it was read (`logHeld`). */
interface LogRead {
  range: EventRange
  held: boolean
}

/**
 * Whether a job is there with its log: a job that stored events but whose log is gone (evicted on
 * its own) is lost, not a job with an empty log (the next write drops what is left).
 */
function heldOf(lastSeq: string | null, logs: number): boolean {
  return lastSeq !== null && (Number(lastSeq) === 0 || Number(logs) === 1)
}

/** Creates the log reads of one `redis` provider. */
export function createRedisLogReads({ prefix, command, script, getListed }: RedisLogReadOptions) {
  const keys = redisKeys(prefix)

  /** Events after `afterSeq` from the Stream id `from` on, a page at a time. */
  async function readEntries(id: string, afterSeq: number, from = `${afterSeq + 1}-0`): Promise<JobEvent[]> {
    const events: JobEvent[] = []
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
   * read as empty and not `complete`. Without a closed end, a failed read throws as it is. Its first
   * page, the closed end and whether the job is held come in one script (redis-log-script.ts); a
   * longer log reads its other pages, then whether the job is still held after them.
   */
  async function readLog(id: string, afterSeq: number): Promise<LogRead> {
    const [page, closedJson, lastSeq, logs] = await script<ReadLogReply<StreamEntries>>(READ_LOG_SCRIPT, [id, `${afterSeq + 1}-0`, String(READ_PAGE)])
    let events: JobEvent[] = []
    let readable = page !== null
    let held = heldOf(lastSeq, logs)
    if (page !== null) {
      events = eventsOfEntries(page).filter(event => event.seq > afterSeq)
      if (page.length === READ_PAGE) {
        const rest = await readEntries(id, afterSeq, `(${page.at(-1)![0]}`).then(read => ({ read }), (error: unknown) => ({ error }))
        if ('error' in rest && closedJson === null) throw rest.error
        if ('read' in rest) events.push(...rest.read)
        else [events, readable] = [[], false]
        held = await logHeld(id)
      }
    }
    if (closedJson === null) return { range: { events, complete: true }, held }
    const end = JSON.parse(closedJson) as JobEvent
    if (end.seq > afterSeq) events.push(end)
    return { range: { events, complete: readable }, held }
  }

  async function readEvents(id: string, afterSeq: number): Promise<EventRange | null> {
    // The log and whether the job is still there, read together (or the log first, then the job,
    // for a long log): retention deletes both at once, so a job held after the read had its whole
    // log read (checking first could read the empty log of a job deleted in between, and hand on an
    // empty `queued` job).
    const { range, held } = await readLog(id, normalizeSeq(afterSeq))
    // Redis keeps a job's whole log until the job is deleted, so a range is complete (but a log it cannot read).
    return held ? range : null
  }

  /** Whether the job is still there with its log (heldOf), read on its own. */
  async function logHeld(id: string): Promise<boolean> {
    const [lastSeq, logs] = await Promise.all([
      command<string | null>(['HGET', keys.job(id), 'lastSeq']),
      command<number>(['EXISTS', keys.log(id)]),
    ])
    return heldOf(lastSeq, logs)
  }

  async function getState(id: string): Promise<JobState | null> {
    // The log before the record, as in readEvents: a job deleted meanwhile is null, not empty.
    const { range: { events }, held } = await readLog(id, 0)
    // Its head only (type, createdAt, lastSeq): not a long chat's whole request.
    const record = await getListed(id)
    if (!record) return null
    // None read of a job that stored events: its first append may have come in between (the job
    // was held with no events when read), or its log was lost.
    if (record.lastSeq > 0 && events.length === 0 && !held) return null
    return reduceEvents(createJobState({ id, type: record.type, createdAt: record.createdAt }), events)
  }

  return { readEntries, readLog, readEvents, getState }
}
