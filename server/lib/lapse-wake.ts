/**
 * A recovery scan right when the next lease lapses (the store says when, with each scan's cluster
 * load: `ClusterLoad.nextLapseInMs`), when that comes before the next periodic scan. Without it a
 * dead owner's job waited up to one more `lease.heartbeatMs` after its lease lapsed (two past the
 * scanning instance's share); with it the job is taken over as its lease lapses — within
 * `lease.durationMs` of the death, since the owner's last renewal came before it.
 *
 * It costs no store call while every owner is alive: a live owner's lease lapses at least
 * `lease.durationMs − lease.heartbeatMs` ahead, past the next periodic scan. A lapse (a death, a
 * late renewal) costs each instance one scan more.
 */
import type { TimerSet } from './timers'

/** Options of `createLapseWake`. */
export interface LapseWakeOptions {
  timers: TimerSet
  /** The periodic scan's interval (`lease.heartbeatMs`): a lapse later than that is left to it. */
  scanIntervalMs: () => number
  /** Runs a scan (once the one under way, if any, has ended). */
  scan: () => void
}

/** Arms one timer at a time; `note` replaces it, `cancel` clears it. */
export function createLapseWake(options: LapseWakeOptions) {
  let cancel: (() => void) | null = null
  return {
    /** The store answered that the next lease lapses in `inMs` (null: none is held). */
    note(inMs: number | null | undefined): void {
      cancel?.()
      cancel = null
      if (typeof inMs !== 'number' || !Number.isFinite(inMs) || inMs < 0 || inMs >= options.scanIntervalMs()) return
      // Counted from the answer, which came after the store read its clock: never before the lapse.
      cancel = options.timers.timeout(() => {
        cancel = null
        options.scan()
      }, inMs + 1)
    },
    cancel(): void {
      cancel?.()
      cancel = null
    },
  }
}
