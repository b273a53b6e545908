/**
 * The owner's own view of its lease, for an owner that stops and comes back: a process frozen by
 * a long GC pause or a suspended VM, or one cut off from the store while it keeps running. Past
 * its lease another instance may have taken the job over (a new epoch), and the first thing the
 * owner does when it comes back — before any heartbeat answer can arrive — is whatever was waiting:
 * a tool's timer firing, the next node, a control (an answer, an abort) that was delivered while it
 * was away. The store refuses its writes by epoch, but a tool's effect outside the job cannot be
 * refused. So the owner counts how long its lease surely lasts on its own monotonic clock (from
 * the moment it *sent* the heartbeat the store accepted, minus one heartbeat of margin); past that
 * moment, before it starts a tool, a node or a model round, or acts on a control, it asks the store
 * (a heartbeat) and waits for the answer: held → go on (unless the answer came after the lease it
 * renewed ran out: then it asks again); refused → the run is stopped (`onRefused`)
 * and nothing starts. While the store cannot be reached it keeps asking, every heartbeat.
 */
import { abortableDelay } from './model/abortable'
import type { JobLease } from './providers/types'
import type { TimerSet } from './timers'

/** What a confirmation needs. */
export interface LeaseConfirmationOptions {
  jobId: string
  lease: JobLease
  durationMs: number
  heartbeatMs: number
  /** The store's heartbeat: true when the lease was extended. */
  heartbeat: (jobId: string, lease: JobLease, durationMs: number) => Promise<boolean>
  /** The store refused the lease: decide whether the run is lost (and stop it). */
  onRefused: () => Promise<void>
  /** A heartbeat the store accepted or refused (it answered); a failed one is the caller's to log. */
  onSucceeded: () => void
  /** The run's signal: an abort ends the wait. */
  signal: AbortSignal
  timers: TimerSet
  /** A monotonic clock in ms (not the wall clock, which may jump). @default performance.now */
  monotonicNow?: () => number
  /**
   * When this instance asked the store for the lease (create or claim), on `monotonicNow`: the
   * store counts the lease from when it took the request, which is no earlier, however late its
   * reply came (a slow store, an event loop held up by other work). @default now
   */
  askedAtMs?: number
}

/** The owner's view of its lease. */
export interface LeaseConfirmation {
  /** Renews the lease (one heartbeat in flight at most); resolves true when the store extended it. */
  beat: () => Promise<boolean>
  /**
   * `null` while the lease surely holds (nothing to wait for: the caller goes on at once), else a
   * promise that resolves once the store confirmed it, or rejects with the run's abort reason when
   * the lease was lost.
   */
  confirm: () => Promise<void> | null
  /**
   * True while the lease surely holds on this instance's own clock (no other instance can have
   * taken the job over). Asks nothing and starts nothing: a read can use it while the store is down.
   */
  holds: () => boolean
}

/** Creates the view of a lease just taken (at create or claim, asked for at `askedAtMs`). */
export function createLeaseConfirmation(options: LeaseConfirmationOptions): LeaseConfirmation {
  const monotonicNow = options.monotonicNow ?? (() => performance.now())
  const { durationMs, heartbeatMs, signal } = options
  let heldUntil = (options.askedAtMs ?? monotonicNow()) + durationMs - heartbeatMs
  let inFlight: Promise<boolean> | null = null
  let waiting: Promise<void> | null = null

  function beat(): Promise<boolean> {
    inFlight ??= (async () => {
      const sentAt = monotonicNow()
      try {
        const held = await options.heartbeat(options.jobId, options.lease, durationMs)
        options.onSucceeded()
        if (held) heldUntil = Math.max(heldUntil, sentAt + durationMs - heartbeatMs)
        return held
      }
      finally {
        inFlight = null
      }
    })()
    return inFlight
  }

  async function ask(): Promise<void> {
    while (monotonicNow() >= heldUntil) {
      signal.throwIfAborted()
      let held: boolean
      try {
        held = await beat()
      }
      catch {
        // The store cannot be reached (the periodic heartbeat logs it): nothing may start until it
        // answers. An abort ends the wait (rejecting with its reason).
        await abortableDelay(heartbeatMs, signal, options.timers)
        continue
      }
      // Held: the lease runs from when the heartbeat was sent at the latest. An answer that came
      // after that ran out (a slow store, an event loop held up while it waited) confirms nothing:
      // the loop asks again.
      if (held) continue
      try {
        await options.onRefused()
      }
      catch {
        // Deciding what the refusal means needs the store too, and it failed: the store's fault,
        // not the run's — ask again, as while the store cannot be reached (an abort ends the wait).
        await abortableDelay(heartbeatMs, signal, options.timers)
        continue
      }
      signal.throwIfAborted()
      // Refused but not stopped: the run is ending (its end's write decides); start nothing more.
      throw new Error(`the lease of job ${options.jobId} was refused while the run ends`)
    }
  }

  return {
    beat,
    holds: () => monotonicNow() < heldUntil,
    confirm() {
      if (monotonicNow() < heldUntil && !waiting) return null
      waiting ??= ask().finally(() => {
        waiting = null
      })
      return waiting
    },
  }
}
