/**
 * A job running on this instance: it numbers events, merges deltas in the batching window (one
 * timer per job), keeps the reduced state, writes behind to the provider and fans out to viewers.
 */
import type { JobEvent, JobEventPayload } from '../../shared/events'
import { isTerminalStatus } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { applyEvent } from '../../shared/reducer'
import type { PersistQueue } from './persist-queue'
import type { TimerSet } from './timers'
import type { Viewer } from './viewer'
import { closeViewer, deliver } from './viewer'

type DeltaType = 'text-delta' | 'reasoning-delta'

interface PendingDelta {
  type: DeltaType
  nodeId: string | undefined
  text: string
}

/** Options of a live job. */
export interface LiveJobOptions {
  state: JobState
  timers: TimerSet
  persist: PersistQueue
  /** Deltas within this window become one event (0: one event per delta). */
  batchWindowMs: number
  now: () => number
  /** Called after every committed event (notifications, metrics). */
  onCommit?: (event: JobEvent) => void
}

/** The in-memory side of a running job. */
export class LiveJob {
  state: JobState
  /** Every committed event of this run, for replays to viewers on this instance. */
  readonly events: JobEvent[] = []
  readonly viewers = new Set<Viewer>()
  private pending: PendingDelta | null = null
  private cancelBatchTimer: (() => void) | null = null

  constructor(private readonly options: LiveJobOptions) {
    this.state = options.state
  }

  /** True once `job-end` is committed. */
  get ended(): boolean {
    return isTerminalStatus(this.state.status)
  }

  /** Buffers a delta; the window's timer (one per job) commits the merged text. */
  delta(type: DeltaType, text: string, nodeId?: string): void {
    if (this.ended || text.length === 0) return
    if (this.pending && (this.pending.type !== type || this.pending.nodeId !== nodeId)) this.flush()
    if (this.pending) this.pending.text += text
    else this.pending = { type, nodeId, text }
    if (this.options.batchWindowMs <= 0) {
      this.flush()
      return
    }
    if (!this.cancelBatchTimer) {
      this.cancelBatchTimer = this.options.timers.timeout(() => {
        this.cancelBatchTimer = null
        this.flush()
      }, this.options.batchWindowMs)
    }
  }

  /** Commits the pending deltas now (before any other event, a snapshot, or the end). */
  flush(): void {
    this.cancelBatchTimer?.()
    this.cancelBatchTimer = null
    const pending = this.pending
    if (!pending) return
    this.pending = null
    const base = pending.type === 'text-delta' ? this.state.content : this.state.reasoning
    this.commit({ type: pending.type, offset: base.length, text: pending.text, ...(pending.nodeId ? { nodeId: pending.nodeId } : {}) } as JobEventPayload & { nodeId?: string })
  }

  /**
   * Numbers an event, applies it, persists it and sends it to viewers. Pending deltas are flushed
   * first so order is kept. After `job-end` nothing more is accepted (a late event is dropped).
   */
  commit(payload: JobEventPayload & { nodeId?: string }): JobEvent | null {
    if (this.ended) return null
    if (payload.type !== 'text-delta' && payload.type !== 'reasoning-delta') this.flush()
    const event = { ...payload, seq: this.state.seq + 1, at: this.options.now() } as JobEvent
    this.state = applyEvent(this.state, event)
    this.events.push(event)
    this.options.persist.push(event)
    for (const viewer of this.viewers) {
      deliver(viewer, event)
      if (viewer.closed) this.viewers.delete(viewer)
    }
    this.options.onCommit?.(event)
    return event
  }

  /** Removes a viewer (its stream closed). */
  removeViewer(viewer: Viewer): void {
    this.viewers.delete(viewer)
  }

  /** Stops the batch timer and closes every viewer (after the end, or on shutdown). */
  close(): void {
    this.cancelBatchTimer?.()
    this.cancelBatchTimer = null
    this.pending = null
    for (const viewer of this.viewers) closeViewer(viewer)
    this.viewers.clear()
  }
}
