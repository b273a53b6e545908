/** The options and the shape of a job's write-behind queue (persist-queue.ts). */
import type { JobEvent } from '../../shared/events'
import type { AppendRefusal, JobProvider } from './providers/types'
import type { StoreRefusedError } from './providers/store-refused'
import type { TimerSet } from './timers'

/** Options of a persist queue. */
export interface PersistQueueOptions {
  provider: Pick<JobProvider, 'appendEvents' | 'maxBatchBytes' | 'readEvents' | 'closeRefusedEnd'>
  jobId: string
  timers: TimerSet
  /** 0 writes at once (the memory provider). */
  intervalMs: number
  bytes: number
  epoch?: number
  /** Called once when the provider refuses a write (terminal elsewhere, stale epoch, conflict). */
  onRefused: (reason: AppendRefusal) => void
  /**
   * Called once when a write throws a `StoreRefusedError` (store-refused.ts): nothing more is
   * written but the end (`storeEnd`); waiting flushes resolve `failed`.
   */
  onFailed?: (error: StoreRefusedError) => void
  /** Called when a write throws (network, timeout); the events stay pending and are retried. */
  onError: (error: unknown) => void
  /** Called when a write succeeds after writes that threw. */
  onRecovered?: () => void
  /**
   * Merge consecutive deltas of a batch into one stored event (`fromSeq`..`seq`), so stored bytes
   * track the text, not the number of batching windows. @default false
   */
  mergeDeltas?: boolean
  /**
   * The most bytes that may wait to be written (the store is down or slow); past it
   * `onOverflow` is called, once. The events are still kept. @default Infinity
   */
  maxPendingBytes?: number
  /** Called once when the pending events pass `maxPendingBytes` (the run then fails the job). */
  onOverflow?: (pendingBytes: number) => void
  /**
   * Once the job's end waits in the queue, a write failing (not refused for good) for `afterMs`
   * while the store answers other calls (`storeAnswers` grows) is given up as refused for good
   * (stuck-end-write.ts): `onFailed`, then the end alone. `now` is monotonic (performance.now).
   * @default never given up
   */
  stuckEnd?: { afterMs: number, storeAnswers: () => number, now?: () => number }
}

/** How a `flush` ended (`failed`: the store refused a write for good, `onFailed`). */
export type PersistOutcome = 'stored' | 'refused' | 'closed' | 'failed'

/** A job's write-behind queue. */
export interface PersistQueue {
  push(event: JobEvent): void
  /** Resolves once every event pushed so far is stored, or the provider refused a write, or the queue was closed. */
  flush(): Promise<PersistOutcome>
  /** The UTF-8 size the queue counts for an event (text plus envelope for deltas, JSON otherwise). */
  sizeOf(event: JobEvent): number
  /** The largest event the provider can store in one write (Infinity when unlimited). */
  readonly maxEventBytes: number
  /** Pending events not yet written. */
  readonly pendingCount: number
  /** Writes made so far (for tests and metrics). */
  readonly writes: number
  /** The error the store refused a write with for good (`failed`), else null. */
  readonly refusal: StoreRefusedError | null
  /**
   * The end was refused for good too, and the provider closed the job without it
   * (`closeRefusedEnd`): `unindexed` names the indexes it could not update. Else null.
   */
  readonly closedWithoutLog: { unindexed: string[] } | null
  /**
   * The end alone was refused as `terminal` (by the store, or by `closeRefusedEnd`) because a write
   * given up had landed after all (it threw, the store applied it): that write's `job-end`, read
   * back from the store — this queue's own, same seq, status, time and epoch — is the job's end.
   * Else null (another instance's end: `refused`).
   */
  readonly ownEndStored: JobEvent | null
  /**
   * Once `storeEnd` settled: the first seq of the job's events the store never took (refused for
   * good, and what waited behind them dropped) — the end written alone covers it up to its own seq
   * (`fromSeq`). Null when nothing was dropped (the refused write held only the end, or it landed
   * after all: `ownEndStored`), or before a refusal.
   */
  readonly droppedFrom: number | null
  /**
   * Once the queue `failed`: writes `end` (a `job-end`) alone right after what the store holds, at
   * its own seq and covering the seqs dropped before it (`fromSeq`, `droppedFrom`), retried as any write; refused for good too, the provider's `closeRefusedEnd` (tried
   * once) closes the job without it. Resolves `stored` (either way, `closedWithoutLog`; or the
   * store held the end of the write given up, `ownEndStored`),
   * `refused`, `failed` (refused for good, and no close) or `closed`. Before that, or a second
   * time: the queue's outcome, nothing written.
   */
  storeEnd(end: JobEvent): Promise<PersistOutcome>
  /** Stops writing and retrying; waiting flushes resolve `closed`. */
  close(): void
}
