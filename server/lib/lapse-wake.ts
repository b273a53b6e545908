/**
 * A recovery scan right when the next lease lapses (the store says when, with each scan's cluster
 * load: `ClusterLoad.nextLapseInMs`), when that comes before the next periodic scan. Without it a
 * dead owner's job waited up to one more `lease.heartbeatMs` after its lease lapsed (two past the
 * scanning instance's share); with it the job is taken over as its lease lapses — within
 * `lease.durationMs` of the death, since the owner's last renewal came before it.
 *
 * The next lapse is any active lease's, a live owner's too. A live owner renews every
 * `lease.heartbeatMs`, so its lease lapses more than `durationMs − heartbeatMs` after any scan:
 * past the next one when `durationMs` is at least twice `heartbeatMs` (the default), and then
 * nothing is armed while every owner renews. A shorter lease may lapse before the next scan though
 * its owner is alive, and the wake scan finds it renewed. So a wake scan that lists no lapsed job
 * the scan before did not list drops the wake it armed: the next scan is the periodic one. Wake
 * scans are at most one after each other scan plus one per lapse seen — a dead owner's jobs are
 * still taken over one after the other as their leases lapse.
 */
import type { TimerSet } from './timers'

/** Options of `createLapseWake`. */
export interface LapseWakeOptions {
  timers: TimerSet
  /** The periodic scan's interval (`lease.heartbeatMs`): a lapse later than that is left to it. */
  scanIntervalMs: () => number
  /**
   * Runs a wake scan once the one under way, if any, has ended — if `current()` is still true
   * then (that scan neither armed another wake nor dropped this one).
   */
  wake: (current: () => boolean) => void
}

/** Arms one timer at a time; `note` replaces it, `cancel` clears it. */
export function createLapseWake(options: LapseWakeOptions) {
  let cancel: (() => void) | null = null
  /** Raised by every `note` and `cancel`: a wake that fired is current until then. */
  let generation = 0
  /** The lapsed jobs the last scan listed. */
  let lapsedBefore = new Set<string>()
  /** The scan under way listed a job the one before did not. */
  let lapsedAnew = false

  function drop(): void {
    cancel?.()
    cancel = null
    generation++
  }

  return {
    /** The store answered that the next lease lapses in `inMs` (null: none is held). */
    note(inMs: number | null | undefined): void {
      drop()
      const armed = generation
      if (typeof inMs !== 'number' || !Number.isFinite(inMs) || inMs < 0 || inMs >= options.scanIntervalMs()) return
      // Counted from the answer, which came after the store read its clock: never before the lapse.
      cancel = options.timers.timeout(() => {
        cancel = null
        options.wake(() => generation === armed)
      }, inMs + 1)
    },
    /** The scan under way listed these lapsed jobs. */
    listed(jobIds: readonly string[]): void {
      lapsedAnew = jobIds.some(id => !lapsedBefore.has(id))
      lapsedBefore = new Set(jobIds)
    },
    /** Runs a scan (`wake`: one this armed): one that listed no job newly lapsed (or failed first) drops the wake it armed. */
    async scan<T>(wake: boolean, run: () => Promise<T>): Promise<T> {
      lapsedAnew = false
      try {
        return await run()
      }
      finally {
        if (wake && !lapsedAnew) drop()
      }
    },
    cancel: drop,
  }
}
