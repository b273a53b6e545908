/**
 * Writes a job's committed events to the provider in batches: at most every `intervalMs`, or as
 * soon as `bytes` are pending, immediately at every boundary (non-delta) event, one write in
 * flight, each write under the provider's `maxBatchBytes`. Bytes written grow with the output,
 * never the whole content per write. A write that throws is retried (backing off) until it is
 * stored, refused or the queue is closed: the tail is never dropped, and `flush` says which. A
 * write the store refuses for good by throwing (a `StoreRefusedError`: the same write would meet
 * it again) is not retried: the queue drops what waits and `flush` says `failed`; the job's end
 * can then be written alone, right after what the store holds (`storeEnd`) — unless the write
 * given up had landed after all, with the job's end (`ownEndStored`).
 */
import type { JobEvent } from '../../shared/events'
import { isDeltaEvent } from '../../shared/events'
import { jsonByteLength, utf8ByteLength } from './bytes'
import type { AppendRefusal, JobProvider } from './providers/types'
import type { StoreRefusedError } from './providers/store-refused'
import type { PersistOutcome, PersistQueue, PersistQueueOptions } from './persist-queue-types'
import { isStoreRefusal } from './providers/store-refused'
import { mergeDeltas } from './replay'
import { createStuckEndWatch } from './stuck-end-write'

export type { PersistOutcome, PersistQueue, PersistQueueOptions } from './persist-queue-types'

/**
 * What a delta's JSON typically adds to its text (`type`, `offset`, `seq`, `at`): deltas are
 * counted as their text's UTF-8 bytes plus this, without serialising each one.
 */
export const DELTA_ENVELOPE_BYTES = 64
/** The most a delta's JSON can add to its text (every optional field present, escapes aside). */
export const MAX_DELTA_ENVELOPE_BYTES = 1_024
/** First retry delay after a failed write; doubles per failure in a row. */
export const RETRY_BASE_DELAY_MS = 250
/** Longest delay between retries. */
export const RETRY_MAX_DELAY_MS = 5_000

/** How often a shared store is written when neither the config nor the provider says. */
export const DEFAULT_SHARED_WRITE_INTERVAL_MS = 500

/** The write interval of a running job: the config's, else the provider's pace. */
export function writeIntervalMs(configured: number, provider: Pick<JobProvider, 'writeIntervalMs'>): number {
  return configured > 0 ? configured : provider.writeIntervalMs ?? DEFAULT_SHARED_WRITE_INTERVAL_MS
}

/** The size the queue counts for an event, in UTF-8 bytes. */
export function eventBytes(event: JobEvent): number {
  return isDeltaEvent(event) ? utf8ByteLength(event.text) + DELTA_ENVELOPE_BYTES : jsonByteLength(event)
}

/**
 * The job's end written alone after what the store holds (up to `storedSeq`): at its own seq, the
 * one its viewers were told, covering with `fromSeq` the seqs the store never took (they were
 * dropped) — so no seq of the stored log names other content than a viewer had under it.
 */
function endAfter(end: JobEvent, storedSeq: number): JobEvent {
  const { fromSeq: _fromSeq, ...alone } = end
  return (storedSeq + 1 < end.seq ? { ...alone, fromSeq: storedSeq + 1 } : alone) as JobEvent
}

/** Creates the write-behind queue of one job. */
export function createPersistQueue(options: PersistQueueOptions): PersistQueue {
  const maxBatchBytes = options.provider.maxBatchBytes ?? Number.POSITIVE_INFINITY
  const pending: Array<{ event: JobEvent, bytes: number }> = []
  let pendingBytes = 0
  let pushed = 0
  let stored = 0
  let failures = 0
  let writes = 0
  let writing = false
  let outcome: Exclude<PersistOutcome, 'stored'> | null = null
  let cancelTimer: (() => void) | null = null
  let retryScheduled = false
  let overflowed = false
  let refusal: StoreRefusedError | null = null
  /** The last seq the store holds, as known when a write was refused for good (the end goes after it). */
  let storedSeq = 0
  /** The end written alone after a refusal (`storeEnd`): once, and moved past its own events at most once. */
  let endAlone: 'none' | 'writing' | 'moved' = 'none'
  /** That end as last sent (its seq moved, if it was). */
  let endSent: JobEvent | null = null
  let closedWithoutLog: { unindexed: string[] } | null = null
  /** The `job-end` of the write given up for good: it threw, so the store may hold it all the same. */
  let endInDoubt: JobEvent | null = null
  /** That end, found stored when the end alone was refused as `terminal` (`ownEndStored`). */
  let ownEndStored: JobEvent | null = null
  /** Bytes of the batch a write has taken and not given back: handed to the store, not waiting. */
  let inFlightBytes = 0
  const maxPendingBytes = options.maxPendingBytes ?? Number.POSITIVE_INFINITY
  // A decided end behind a write that keeps failing while the store answers: given up (stuck-end-write.ts).
  const stuckEnd = options.stuckEnd ? createStuckEndWatch({ jobId: options.jobId, now: () => performance.now(), ...options.stuckEnd }) : null
  const waiters: Array<{ target: number, resolve: (outcome: PersistOutcome) => void }> = []
  /** The same for every write of the queue: made once, not once per write. */
  const appendOptions = Object.freeze({ epoch: options.epoch })

  function settleWaiters() {
    for (let index = waiters.length - 1; index >= 0; index--) {
      const waiter = waiters[index]!
      if (outcome || stored >= waiter.target) {
        waiters.splice(index, 1)
        waiter.resolve(outcome ?? 'stored')
      }
    }
  }

  /** The next batch: as many pending events as fit under the provider's limit (at least one); its bytes count as in flight. */
  function takeBatch(): JobEvent[] {
    let bytes = 0
    let count = 0
    while (count < pending.length && (count === 0 || bytes + pending[count]!.bytes <= maxBatchBytes)) bytes += pending[count++]!.bytes
    inFlightBytes = bytes
    const batch = new Array<JobEvent>(count)
    for (let index = 0; index < count; index++) batch[index] = pending[index]!.event
    return batch
  }

  async function writeLoop(): Promise<void> {
    try {
      while (pending.length > 0 && !outcome) {
        const batch = takeBatch()
        try {
          writes++
          const events = options.mergeDeltas ? mergeDeltas(batch, maxBatchBytes / 2) : batch
          const result = await options.provider.appendEvents(options.jobId, events, appendOptions)
          if (outcome) return
          // The refused write stored part of itself first (a provider that splits it into calls):
          // the end goes after those events, which are this writer's (the epoch is checked first).
          if (!result.ok && result.reason === 'seq-conflict' && endAlone === 'writing' && result.lastSeq >= (batch[0]!.fromSeq ?? batch[0]!.seq)) {
            endAlone = 'moved'
            pending[0]!.event = endSent = endAfter(pending[0]!.event, result.lastSeq)
            continue
          }
          // After a write that threw, the store may hold it after all (only the reply was lost, e.g. a
          // timeout): a refusal whose log ends inside what is pending means those events landed.
          const landedCount = result.ok || failures === 0 ? 0 : await landedBefore(result.reason, result.lastSeq)
          if (outcome) return
          if (landedCount > 0) {
            acknowledge(landedCount)
            failures = 0
            stuckEnd?.reset()
            options.onRecovered?.()
            continue
          }
          // The end alone refused as `terminal`: the write given up may have landed after all (only its
          // reply was lost). If the end the store holds is that write's, this queue's, the job has it.
          const own = !result.ok && result.reason === 'terminal' && endAlone !== 'none' ? await ownEndAt(result.lastSeq) : null
          if (outcome) return
          if (own) {
            ownEndStored = own
            acknowledge(pending.length)
            if (failures > 0) options.onRecovered?.()
            failures = 0
            stuckEnd?.reset()
            continue
          }
          if (!result.ok) {
            outcome = 'refused'
            settleWaiters()
            options.onRefused(result.reason)
            return
          }
        }
        catch (error) {
          const given = isStoreRefusal(error) ? error : stuckEnd?.failed(error, pending.at(-1)?.event.type === 'job-end')
          if (given) {
            giveUp(given, batch)
            return
          }
          // Keep the events (in order) and retry later: nothing is lost on a passing fault.
          failures++
          options.onError(error)
          scheduleRetry()
          return
        }
        if (failures > 0) options.onRecovered?.()
        failures = 0
        stuckEnd?.reset()
        acknowledge(batch.length)
      }
    }
    finally {
      inFlightBytes = 0
      // In the same step as the loop's last look at `pending`, so that an event pushed after it
      // starts a write of its own. Cleared a microtask later, such an event was left pending until
      // the next push or flush: for a job that waits for an answer, its question and `waiting`.
      writing = false
    }
    // Here, not in a `.then` on the loop's promise: that was a promise, a reaction and a microtask
    // more per write (per event of a job writing to the memory provider). A loop that returned
    // early (refused, failed, a retry scheduled) has nothing to start.
    afterWrites()
  }

  /**
   * How many pending events a refused retry shows as stored already: a seq conflict whose log
   * ends inside what is pending (the epoch is checked first, so no other writer's), or a job made
   * terminal by this queue's own end. A terminal job is refused before its epoch is checked, so
   * an end at the pending `job-end`'s seq may be another instance's (it took the job over while
   * this one's write kept failing and ended it there): the stored end is read back and must be
   * this one — same status, time and epoch.
   */
  async function landedBefore(reason: AppendRefusal, lastSeq: number): Promise<number> {
    const count = landed(lastSeq)
    if (reason === 'seq-conflict') return count
    const last = count > 0 ? pending[count - 1]!.event : null
    if (reason !== 'terminal' || last?.type !== 'job-end' || last.seq !== lastSeq) return 0
    return await storedEndIs(last) ? count : 0
  }

  /**
   * The end of a write given up — the job's batch, or the end alone given up in turn — if the store
   * holds it at `lastSeq` (a terminal job's last seq): read back, not assumed — another instance
   * that took the job over may have ended it there.
   */
  async function ownEndAt(lastSeq: number): Promise<JobEvent | null> {
    for (const end of [endInDoubt, endSent]) {
      if (end?.seq === lastSeq && await storedEndIs(end)) return end
    }
    return null
  }

  /** The store's event at `end`'s seq is `end`: a `job-end` of the same status, time and epoch. */
  async function storedEndIs(end: JobEvent): Promise<boolean> {
    if (end.type !== 'job-end') return false
    const stored = (await options.provider.readEvents(options.jobId, end.seq - 1))?.events.find(event => event.seq === end.seq)
    // The end given up and the end alone after it share a seq and a time: what they cover (`fromSeq`)
    // and their error tell them apart.
    return stored?.type === 'job-end' && stored.status === end.status && stored.at === end.at && (stored.epoch ?? 1) === (end.epoch ?? 1)
      && (stored.fromSeq ?? stored.seq) === (end.fromSeq ?? end.seq) && stored.error?.code === end.error?.code
  }

  /** How many pending events (from the front) a log ending at `lastSeq` holds already. */
  function landed(lastSeq: number): number {
    let count = 0
    while (count < pending.length && pending[count]!.event.seq <= lastSeq) count++
    return count
  }

  /**
   * The store refused a write for good: what waits is dropped (it would follow a gap), waiting
   * flushes resolve `failed`, and `onFailed` is told — once: a refused end (`storeEnd`) says only `failed`.
   * `batch`: the write given up; its `job-end`, if it ends with one, may have landed (`ownEndAt`).
   */
  function giveUp(error: StoreRefusedError, batch: JobEvent[]) {
    const first = pending[0]!.event
    pending.length = 0
    pendingBytes = 0
    inFlightBytes = 0
    cancelTimer?.()
    cancelTimer = null
    retryScheduled = false
    outcome = 'failed'
    settleWaiters()
    if (refusal) return
    refusal = error
    endInDoubt = batch.at(-1)?.type === 'job-end' ? batch.at(-1)! : null
    storedSeq = (first.fromSeq ?? first.seq) - 1
    options.onFailed?.(error)
  }

  /**
   * The end alone was refused for good too: the provider closes the job without writing its log
   * (`closeRefusedEnd`), once — a throw leaves it `failed` (the caller logs the refusal); refused as
   * `terminal` with that end itself stored (`ownEndAt`), it is `stored`.
   */
  async function closeWithoutLog(end: JobEvent): Promise<PersistOutcome> {
    const close = options.provider.closeRefusedEnd
    if (!close) return 'failed'
    try {
      const result = await close.call(options.provider, options.jobId, end, { epoch: options.epoch })
      // Terminal: the end alone given up may have landed after all (its reply lost), as a batch may.
      ownEndStored = !result.ok && result.reason === 'terminal' ? await ownEndAt(result.lastSeq) : null
      if (ownEndStored) return 'stored'
      if (!result.ok) return 'refused'
      closedWithoutLog = { unindexed: result.unindexed ?? [] }
      return 'stored'
    }
    catch {
      return 'failed'
    }
  }

  /** The first `count` pending events are stored. */
  function acknowledge(count: number) {
    for (let index = 0; index < count; index++) pendingBytes -= pending[index]!.bytes
    // All of it (one event per write, usually): no array of the removed entries is made.
    if (count === pending.length) pending.length = 0
    else pending.splice(0, count)
    stored += count
    settleWaiters()
  }

  function start() {
    if (writing || retryScheduled || outcome) return
    cancelTimer?.()
    cancelTimer = null
    writing = true
    void writeLoop()
  }

  /** At the end of a write loop: deltas pushed during the last write wait for their timer, unless someone flushes. */
  function afterWrites() {
    if (pending.length > 0 && waiters.length > 0) start()
  }

  function schedule(delayMs: number) {
    if (cancelTimer || outcome) return
    cancelTimer = options.timers.timeout(() => {
      cancelTimer = null
      retryScheduled = false
      start()
    }, delayMs)
  }

  function scheduleRetry() {
    cancelTimer?.()
    cancelTimer = null
    schedule(Math.min(RETRY_BASE_DELAY_MS * 2 ** (failures - 1), RETRY_MAX_DELAY_MS))
    retryScheduled = true
  }

  function flush(): Promise<PersistOutcome> {
    if (outcome) return Promise.resolve(outcome)
    if (stored >= pushed) return Promise.resolve('stored')
    const done = new Promise<PersistOutcome>(resolve => waiters.push({ target: pushed, resolve }))
    start()
    return done
  }

  return {
    push(event) {
      // After a refusal only the end is written (`storeEnd`): anything else would follow a gap.
      if (outcome || refusal) return
      const bytes = eventBytes(event)
      pending.push({ event, bytes })
      pendingBytes += bytes
      pushed++
      if (!isDeltaEvent(event) || options.intervalMs === 0 || pendingBytes >= options.bytes) start()
      else schedule(options.intervalMs)
      // What waits behind the store, after this push's write (if any) took its batch: an event
      // larger than the bound that a healthy store takes at once is not "waiting".
      const waitingBytes = pendingBytes - inFlightBytes
      if (!overflowed && waitingBytes > maxPendingBytes) {
        overflowed = true
        options.onOverflow?.(waitingBytes)
      }
    },
    flush,
    storeEnd(end) {
      if (outcome !== 'failed' || endAlone !== 'none') return Promise.resolve(outcome ?? 'stored')
      endAlone = 'writing'
      outcome = null
      failures = 0
      stuckEnd?.reset()
      endSent = endAfter(end, storedSeq)
      const bytes = eventBytes(endSent)
      pending.push({ event: endSent, bytes })
      pendingBytes = bytes
      pushed = stored + 1
      return flush().then(written => written === 'failed' ? closeWithoutLog(endSent!) : written)
    },
    get refusal() {
      return refusal
    },
    get closedWithoutLog() {
      return closedWithoutLog
    },
    get ownEndStored() {
      return ownEndStored
    },
    get droppedFrom() {
      // The write given up landed after all, with its end: the store holds every event.
      if (ownEndStored && ownEndStored === endInDoubt) return null
      return endSent?.fromSeq ?? null
    },
    sizeOf: eventBytes,
    maxEventBytes: maxBatchBytes,
    get pendingCount() {
      return pending.length
    },
    get writes() {
      return writes
    },
    close() {
      cancelTimer?.()
      cancelTimer = null
      if (!outcome) outcome = 'closed'
      settleWaiters()
    },
  }
}
