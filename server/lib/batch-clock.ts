/**
 * The batching windows of every job on this instance on one timer, and their leading-edge sends
 * on one `setImmediate`: the work is per event-loop turn, not per job (a thousand streaming jobs
 * open twenty thousand windows a second). Windows of the same length end in the order they
 * opened, so the queue is a FIFO: appending is O(1), and one timer is armed for its head.
 * Time is `performance.now()` (monotonic; vitest's fake timers move it too). The timer and the
 * send are armed in the context the clock was created in (the engine's), never in the context of
 * the job that happened to arm them: what another job's window then commits (its store write, and
 * any span a store client's instrumentation makes for it) must not land in that job's trace.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

/** What a window belongs to (a live job). */
export interface BatchTarget {
  /** The job it belongs to (named in the log line when its commit throws). */
  readonly jobId: string
  /** The window ended: commit what it holds. */
  windowEnded(): void
  /** End of the turn in which a delta arrived after a quiet window: commit it now. */
  sendLeading(): void
}

/** A window as the clock holds it; `close`/`cancel` only flip `active`. */
interface Window {
  target: BatchTarget
  endsAtMs: number
  active: boolean
}

/** A timer this close to due counts as due: Node may fire a timer up to 1 ms early. */
const DUE_TOLERANCE_MS = 1

/** The batching clock of one engine. */
export interface BatchClock {
  /** The clock's time (ms, monotonic). */
  now(): number
  /** Opens a window of `windowMs` for `target`; returns how to cancel it. */
  open(target: BatchTarget, windowMs: number): () => void
  /** Calls `target.sendLeading()` at the end of this turn (once, however often it is asked). */
  soon(target: BatchTarget): void
  /** Drops a pending `soon` of `target`. */
  notSoon(target: BatchTarget): void
  /** Windows open now (for stats: nothing may stay behind). */
  readonly openWindows: number
  /** Clears the timer and every pending window and send. */
  dispose(): void
}

/** Options of a clock. */
export interface BatchClockOptions {
  /**
   * A target's window end or leading send threw: the others go on regardless (one job's failure
   * must not hold back every job's text); the engine logs it, naming the target's job. @default ignored
   */
  onError?: (error: unknown, target: BatchTarget) => void
}

/** Creates a clock. */
export function createBatchClock(options: BatchClockOptions = {}): BatchClock {
  // The async context (OpenTelemetry's and any other AsyncLocalStorage) the timers are armed in.
  const inClockContext = AsyncLocalStorage.snapshot()
  let queue: Window[] = []
  let head = 0
  let openWindows = 0
  let timer: ReturnType<typeof setTimeout> | null = null
  let timerDueAtMs = Number.POSITIVE_INFINITY
  const leading = new Set<BatchTarget>()
  let immediate: ReturnType<typeof setImmediate> | null = null

  function arm() {
    while (head < queue.length && !queue[head]!.active) head++
    if (head === queue.length) {
      queue = []
      head = 0
      if (timer) clearTimeout(timer)
      timer = null
      timerDueAtMs = Number.POSITIVE_INFINITY
      return
    }
    // Compact now and then, so a long-lived queue does not keep every window it ever held.
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head)
      head = 0
    }
    const dueAtMs = queue[head]!.endsAtMs
    if (timer && timerDueAtMs <= dueAtMs) return
    if (timer) clearTimeout(timer)
    timerDueAtMs = dueAtMs
    timer = inClockContext(() => setTimeout(fire, Math.max(0, dueAtMs - performance.now())))
    timer.unref?.()
  }

  function fire() {
    timer = null
    timerDueAtMs = Number.POSITIVE_INFINITY
    const dueMs = performance.now() + DUE_TOLERANCE_MS
    // Only the windows due now: one that opens while these commit lands behind them.
    const end = queue.length
    while (head < end && queue[head]!.endsAtMs <= dueMs) {
      const window = queue[head++]!
      if (!window.active) continue
      window.active = false
      openWindows--
      call(window.target, 'windowEnded')
    }
    arm()
  }

  /** Calls a target on its own: a throw goes to `onError`, never past the others due with it. */
  function call(target: BatchTarget, method: 'windowEnded' | 'sendLeading') {
    try {
      target[method]()
    }
    catch (error) {
      options.onError?.(error, target)
    }
  }

  function insert(window: Window) {
    // Same-length windows arrive in order; a shorter one (the setting changed) is sorted in.
    let index = queue.length
    while (index > head && queue[index - 1]!.endsAtMs > window.endsAtMs) index--
    // At the end (every window but one after a change of the setting): a push, not a splice and the empty list of what it removed.
    if (index === queue.length) queue.push(window)
    else queue.splice(index, 0, window)
  }

  function sendLeading() {
    immediate = null
    for (const target of leading) {
      leading.delete(target)
      call(target, 'sendLeading')
    }
  }

  return {
    now: () => performance.now(),
    open(target, windowMs) {
      const window: Window = { target, endsAtMs: performance.now() + windowMs, active: true }
      openWindows++
      insert(window)
      arm()
      return () => {
        if (!window.active) return
        window.active = false
        openWindows--
        // The last open window went: let go of the timer now rather than when it fires.
        if (openWindows === 0) arm()
      }
    },
    soon(target) {
      leading.add(target)
      if (!immediate) {
        immediate = inClockContext(() => setImmediate(sendLeading))
        immediate.unref?.()
      }
    },
    notSoon(target) {
      leading.delete(target)
    },
    get openWindows() {
      return openWindows
    },
    dispose() {
      for (let index = head; index < queue.length; index++) queue[index]!.active = false
      queue = []
      head = 0
      openWindows = 0
      leading.clear()
      if (timer) clearTimeout(timer)
      if (immediate) clearImmediate(immediate)
      timer = null
      immediate = null
      timerDueAtMs = Number.POSITIVE_INFINITY
    },
  }
}
