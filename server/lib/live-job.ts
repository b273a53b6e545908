/**
 * A job running on this instance: it numbers events, merges deltas in the batching window, keeps
 * the reduced state, writes behind to the provider and fans out to viewers.
 *
 * Batching has a leading edge: a delta that follows a quiet window (no delta for a whole window)
 * goes out at the end of the current event-loop turn — together with whatever else arrived in
 * that turn — and the window starts from it; deltas inside a window wait for its end, so under
 * continuous streaming a job sends one event per window, as without the leading edge. The
 * windows of all jobs run on the engine's one batch clock (server/lib/batch-clock.ts).
 *
 * Its end is two steps: `end` numbers the `job-end` and hands it to the write-behind queue;
 * `reportEnd` applies and sends it once the provider stored it, so nobody is told of an end that
 * a crash could still lose.
 */
import type { JobEndPayload, JobEvent, JobEventPayload } from '../../shared/events'
import { isDeltaEvent, isTerminalStatus } from '../../shared/events'
import { isHighSurrogate } from '../../shared/lone-surrogate'
import type { JobState } from '../../shared/reducer'
import { applyTo, reduceEvents } from '../../shared/reducer'
import { toolCallPosition } from '../../shared/tool-call-index'
import type { BatchClock, BatchTarget } from './batch-clock'
import type { PendingProgressUpdate } from './pending-progress'
import { PendingProgress } from './pending-progress'
import type { DeltaType } from './event-numbering'
import { numberDelta, numberEvent } from './event-numbering'
import type { PersistQueue } from './persist-queue'
import { MAX_DELTA_ENVELOPE_BYTES } from './persist-queue'
import { shortenEvent } from './event-size'
import { createKeptTextEnds, keepTextEnd, readTextEnd } from './kept-text-end'
import type { Viewer, ViewerFrame } from './viewer'
import { closeViewer, deliver, deliverSnapshot, eventFrame } from './viewer'
import { endFrameAfterSnapshot, snapshotFrame } from './catch-up'

/** The most bytes one UTF-16 unit of text takes in an event's JSON (`\u0000`). */
const MAX_JSON_BYTES_PER_UNIT = 6


interface PendingDelta {
  type: DeltaType
  nodeId: string | undefined
  text: string
}

/** Options of a live job. */
export interface LiveJobOptions {
  /** The state the run starts from (fresh, or the stored state of a job taken over). */
  state: JobState
  clock: BatchClock
  persist: PersistQueue
  /** Deltas within this window become one event (0: one event per delta). */
  batchWindowMs: number
  now: () => number
  /** The lease epoch of this run; above 1 it is written into every event. @default 1 */
  epoch?: number
  /** Called after every committed event (notifications, metrics). */
  onCommit?: (event: JobEvent) => void
  /**
   * Called when an event was too large for the provider (over its batch limit) and is committed
   * with its largest fields replaced by a notice instead.
   */
  onShortened?: (event: JobEvent, bytes: number) => void
  /** Called instead of committing an event that even shortened the provider could not store. */
  onUnstorable?: (event: JobEvent, bytes: number) => void
}

/** The in-memory side of a running job. */
export class LiveJob implements BatchTarget {
  private current: JobState
  /**
   * The lists and maps of `current` this job made and handed to nobody: the next event changes them
   * in place (a long run appends in O(1)). Handing the state out (`state`) starts a new set, so what
   * the reader holds is never changed; `peek` does not, for reads that do not keep it.
   */
  private owned = new WeakSet<object>()
  /** What ends the content and the reasoning, kept from each delta (`textEnd`; kept-text-end.ts). */
  private readonly ends = createKeptTextEnds()
  /** The state before this run's first event. */
  readonly baseState: JobState
  /** Every committed event of this run, for replays to viewers on this instance. */
  readonly events: JobEvent[] = []
  readonly viewers = new Set<Viewer>()
  private pending: PendingDelta | null = null
  private cancelWindow: (() => void) | null = null
  /** Batch-clock time of the last delta (a delta a whole window after it is a leading one). */
  private lastDeltaAtMs = Number.NEGATIVE_INFINITY
  private endEvent: JobEvent | null = null
  /** Each running call's latest progress not committed yet: one event per call per 250 ms (docs/tool-progress.md#cost). */
  private readonly pendingProgress = new PendingProgress()
  /** True while due progress is committed: the flush each commit makes must not take the updates still waiting. */
  private committingProgress = false
  /** Longest delta text (UTF-16 units) that always fits the provider's batch limit. */
  private readonly maxDeltaChars: number
  /** The lease epoch of this run, written into its events above 1 (event-numbering.ts). */
  private readonly epoch: number

  constructor(private readonly options: LiveJobOptions) {
    // A run taken over holds the stored state under its own epoch from the start: a snapshot of it
    // must win over a viewer's state of the lost owner, whose seqs past the stored ones (text it
    // streamed but never stored) may be higher than this run's — with the old epoch it would not.
    const epoch = options.epoch ?? 1
    this.epoch = epoch
    const state = epoch > (options.state.epoch ?? 1) ? { ...options.state, epoch } : options.state
    this.current = state
    this.baseState = state
    // A UTF-16 unit is at most 3 UTF-8 bytes, but up to 6 in JSON: a control character or NUL is `\u0000`.
    this.maxDeltaChars = Math.max(2, Math.floor((options.persist.maxEventBytes - MAX_DELTA_ENVELOPE_BYTES) / MAX_JSON_BYTES_PER_UNIT))
  }

  /** The job's id (the batch clock names it when a commit throws). */
  get jobId(): string {
    return this.current.id
  }

  /** The reduced state, for the reader to keep: later events never change it. */
  get state(): JobState {
    this.owned = new WeakSet()
    return this.current
  }

  /** The reduced state, for a read that is done before the next event (it does not keep it). */
  peek(): JobState {
    return this.current
  }

  /**
   * The last two UTF-16 units of the content or reasoning, kept up to date from each delta: read
   * from the whole text (which flattens it, a copy of all of it) only when the deltas do not
   * account for its length (the state a takeover started from).
   */
  textEnd(kind: 'content' | 'reasoning'): string {
    return readTextEnd(this.ends[kind], this.current[kind])
  }

  /** True once `job-end` is stored and reported. */
  get ended(): boolean {
    return isTerminalStatus(this.current.status)
  }

  /** True between `end` and `reportEnd`: no more events are accepted, the end is being stored. */
  get ending(): boolean {
    return this.endEvent !== null && !this.ended
  }

  /** True while a batching window is open (counted with the job's timers). */
  get windowOpen(): boolean {
    return this.cancelWindow !== null
  }

  /** Buffers a delta; it goes out at the end of its window, or this turn when it follows a quiet one. */
  delta(type: DeltaType, text: string, nodeId?: string): void {
    if (this.endEvent || text.length === 0) return
    if (this.pending && (this.pending.type !== type || this.pending.nodeId !== nodeId)) this.commitPending()
    if (this.pending) this.pending.text += text
    else this.pending = { type, nodeId, text }
    const { batchWindowMs, clock } = this.options
    if (batchWindowMs <= 0) {
      this.commitPending()
      return
    }
    const nowMs = clock.now()
    const quiet = nowMs - this.lastDeltaAtMs >= batchWindowMs
    this.lastDeltaAtMs = nowMs
    if (this.cancelWindow) return
    this.cancelWindow = clock.open(this, batchWindowMs)
    if (quiet) clock.soon(this)
  }

  /**
   * Keeps a running call's latest progress. A call stores at most one update per 250 ms: the first
   * after a quiet interval goes out at the end of this turn (or at the end of a window already
   * open), later ones are merged and the latest goes out at the first window end once the interval
   * passed (with a window of 0, on a timer of its own). A `tool-result` drops its call's pending one.
   */
  progress(payload: PendingProgressUpdate): void {
    if (this.endEvent) return
    this.pendingProgress.set(payload)
    this.scheduleProgress()
  }

  /** Arms what commits the waiting progress: this turn's end when one is due, else a window. */
  private scheduleProgress(): void {
    if (this.cancelWindow || this.pendingProgress.size === 0) return
    const { batchWindowMs, clock } = this.options
    const waitMs = this.pendingProgress.waitMs(clock.now())
    if (waitMs <= 0) return clock.soon(this)
    // The job's window, again and again until the interval passed: a delta meanwhile joins it as usual.
    this.cancelWindow = clock.open(this, batchWindowMs > 0 ? batchWindowMs : waitMs)
  }

  /** The batch clock: this job's window ended. */
  windowEnded(): void {
    this.cancelWindow = null
    this.commitDue('timer')
  }

  /** The batch clock: the turn of a leading delta or progress ends (the window stays open). */
  sendLeading(): void {
    this.commitDue('timer')
  }

  /**
   * Commits what a snapshot read (a viewer joining or resynced, `GET /api/jobs/:id`, an inspection)
   * must hold: the pending text, and the progress updates due by now. An update still inside its
   * call's 250 ms keeps waiting and reaches a joined viewer live once stored: a client that polls
   * must not make a call store progress more often (docs/tool-progress.md#cost). The window stays
   * open, as after a leading delta.
   */
  flushForRead(): void {
    this.commitDue('read')
  }

  /**
   * Commits the pending text, for the run's own read of its state (`RunContext.state`, `textEnd`):
   * the text it reads is whole, and a call's progress waits for its 250 ms as it would without the
   * read (the runner reads the state every round: it must not make calls store progress sooner).
   * The window stays open, as after `flushForRead`.
   */
  commitText(): void {
    this.commitPending()
  }

  /** Commits the pending text and the progress due, and arms what commits the progress still waiting. */
  private commitDue(due: 'timer' | 'read'): void {
    this.commitPending()
    this.commitProgress(due)
    this.scheduleProgress()
  }

  /**
   * Commits the pending deltas and every call's pending progress now and closes the window (before
   * any other event, or the end): no update is stored after an event that followed it. A snapshot
   * read takes `flushForRead`, which keeps progress to its 250 ms.
   */
  flush(): void {
    this.stopWindow()
    this.commitPending()
    this.commitProgress('all')
  }

  /** Commits the pending progress of calls still running: those due (every one with 'all'; pending-progress.ts `take`). */
  private commitProgress(due: 'timer' | 'read' | 'all'): void {
    if (this.committingProgress || this.pendingProgress.size === 0) return
    const nowMs = this.options.clock.now()
    this.committingProgress = true
    try {
      for (const payload of this.pendingProgress.take(nowMs, due)) {
        const index = toolCallPosition(this.current.toolCalls, payload.id)
        // A call cut off without a result (its node cancelled) is forgotten here.
        if (index === undefined || this.current.toolCalls[index]!.status !== 'running') this.pendingProgress.drop(payload.id)
        else if (this.commit(payload)) this.pendingProgress.stored(payload.id, nowMs)
      }
    }
    finally {
      this.committingProgress = false
    }
  }

  private stopWindow(): void {
    this.cancelWindow?.()
    this.cancelWindow = null
    this.options.clock.notSoon(this)
  }

  private commitPending(): void {
    const pending = this.pending
    if (!pending) return
    this.pending = null
    if (this.endEvent) return
    // Text larger than one stored event could be goes out as several deltas, each whole text.
    for (let start = 0; start < pending.text.length;) {
      let end = Math.min(pending.text.length, start + this.maxDeltaChars)
      if (end < pending.text.length && isHighSurrogate(pending.text.charCodeAt(end - 1))) end--
      const text = pending.text.slice(start, end)
      start = end
      const base = pending.type === 'text-delta' ? this.current.content : this.current.reasoning
      this.apply(numberDelta(pending.type, base.length, text, pending.nodeId, this.current.seq + 1, this.options.now(), this.epoch))
    }
  }

  /**
   * Numbers an event, applies it, persists it and sends it to viewers. Pending deltas are flushed
   * first so order is kept. Once the end is numbered nothing more is accepted (a late event is
   * dropped). An event larger than the provider can store is committed with its largest fields
   * replaced by a notice (`onShortened`) — viewers see what is stored, and the log goes on; one
   * that cannot be shortened enough is refused (`onUnstorable`).
   */
  commit(payload: JobEventPayload & { nodeId?: string }): JobEvent | null {
    if (this.endEvent) return null
    // Progress the call reported before it returned is superseded by its result.
    if (payload.type === 'tool-result') this.pendingProgress.drop(payload.id)
    if (!isDeltaEvent(payload)) this.flush()
    if (this.endEvent) return null
    let event = numberEvent(payload, this.current.seq + 1, this.options.now(), this.epoch)
    const { maxEventBytes } = this.options.persist
    const bytes = isDeltaEvent(event) ? 0 : this.options.persist.sizeOf(event)
    if (bytes > maxEventBytes) {
      const shortened = shortenEvent(event, maxEventBytes)
      if (this.options.persist.sizeOf(shortened) > maxEventBytes) {
        this.options.onUnstorable?.(event, bytes)
        return null
      }
      this.options.onShortened?.(event, bytes)
      event = shortened
    }
    this.apply(event)
    return event
  }

  /** Numbers the end and hands it to the write-behind queue; `reportEnd` sends it once stored. */
  end(payload: JobEndPayload): JobEvent | null {
    if (this.endEvent) return null
    this.flush()
    this.endEvent = numberEvent(payload, this.current.seq + 1, this.options.now(), this.epoch)
    this.options.persist.push(this.endEvent)
    return this.endEvent
  }

  /**
   * Changes the end not yet reported: its status and error (its seq stays) — the store refused the
   * job's events for good, so an end decided before (`completed`) gives way to `store-refused` —
   * or all of it, for a `job-end` of this run's the store holds (that one wins).
   */
  replaceEnd(change: Pick<Extract<JobEvent, { type: 'job-end' }>, 'status' | 'error'> | JobEvent): JobEvent | null {
    if (this.endEvent?.type !== 'job-end' || this.ended) return null
    this.endEvent = 'type' in change ? change : { ...this.endEvent, ...change }
    return this.endEvent
  }

  /**
   * The store never took this run's events from `fromSeq` on (it refused a write for good, decision
   * 42, and dropped what waited behind it), and its end is stored alone after what it holds: the
   * events are taken back before that end is reported. The end covers them (`fromSeq`); the state and
   * the live log become what the store holds; every viewer gets a snapshot of it numbered just
   * before the end (a viewer has those seqs, with text the store does not: a snapshot at a lower seq
   * would not replace its state), so the end that follows leaves each one with the stored text, as
   * a viewer that reconnects gets it (docs/decisions/054-dropped-text-taken-back.md). Returns the
   * end as it now is (null once reported).
   */
  takeBack(fromSeq: number): JobEvent | null {
    const end = this.endEvent
    if (end?.type !== 'job-end' || this.ended || fromSeq >= end.seq) return null
    this.endEvent = { ...end, fromSeq }
    const kept = this.events.findIndex(event => event.seq >= fromSeq)
    if (kept >= 0) this.events.length = kept
    this.owned = new WeakSet()
    this.current = reduceEvents(this.baseState, this.events)
    const frame = snapshotFrame({ ...this.current, seq: end.seq - 1 })
    for (const viewer of this.viewers) {
      deliverSnapshot(viewer, frame)
      if (viewer.closed) this.viewers.delete(viewer)
    }
    return this.endEvent
  }

  /** Applies the stored end and sends it to every viewer (which then close): after `takeBack`'s snapshot, as its frame says. */
  reportEnd(): void {
    if (!this.endEvent || this.ended) return
    this.apply(this.endEvent, false, this.endEvent.fromSeq === undefined ? undefined : endFrameAfterSnapshot(this.endEvent))
  }

  private apply(event: JobEvent, persist = true, viewersFrame?: ViewerFrame): void {
    const kind = event.type === 'text-delta' ? 'content' : event.type === 'reasoning-delta' ? 'reasoning' : null
    const before = kind ? this.current[kind].length : 0
    this.current = applyTo(this.current, event, this.owned)
    // The kept end moves on in place (kept-text-end.ts): no object per event.
    if (kind && 'text' in event) keepTextEnd(this.ends[kind], before, this.current[kind].length, event.text)
    this.events.push(event)
    if (persist) this.options.persist.push(event)
    if (this.viewers.size > 0) {
      // One frame for every viewer: the sink serialises it once.
      const frame = viewersFrame ?? eventFrame(event)
      for (const viewer of this.viewers) {
        deliver(viewer, event, frame)
        if (viewer.closed) this.viewers.delete(viewer)
      }
    }
    this.options.onCommit?.(event)
  }

  /** Removes a viewer (its stream closed). */
  removeViewer(viewer: Viewer): void {
    this.viewers.delete(viewer)
  }

  /** Stops the batch window and closes every viewer (after the end, or on shutdown). */
  close(): void {
    this.stopWindow()
    this.pending = null
    this.pendingProgress.clear()
    for (const viewer of [...this.viewers]) closeViewer(viewer)
    this.viewers.clear()
  }
}
