/**
 * The running calls' progress a live job has not stored yet, and when each call may store again:
 * a call's progress is stored at most once per `PROGRESS_INTERVAL_MS` (docs/tool-progress.md#cost,
 * decision 30). Progress is superseded by the next update, so a call keeps only its latest; a
 * progress bar needs a few updates a second, and every stored one stays in the log and is
 * replayed to each resuming viewer.
 */
import type { ToolProgressPayload } from '../../shared/events'

/** The shortest time between two stored updates of one call (the timer path; an early flush may store sooner). */
export const PROGRESS_INTERVAL_MS = 250

/** A timer this close to due counts as due: Node may fire a timer up to 1 ms early (as batch-clock.ts). */
const DUE_TOLERANCE_MS = 1

/** A call's update as the live job commits it. */
export type PendingProgressUpdate = ToolProgressPayload & { nodeId?: string }

/** The pending updates of one job's calls (by call id). */
export class PendingProgress {
  private readonly latest = new Map<string, PendingProgressUpdate>()
  /** Batch-clock time each call last stored progress; forgotten with the call's result. */
  private readonly storedAtMs = new Map<string, number>()

  /** How many calls have an update waiting. */
  get size(): number {
    return this.latest.size
  }

  /** Keeps `update` as its call's latest (replacing the one waiting). */
  set(update: PendingProgressUpdate): void {
    this.latest.set(update.id, update)
  }

  /** Ms until the soonest waiting update may be stored (0 or less: now; Infinity: none waits). */
  waitMs(nowMs: number): number {
    let waitMs = Number.POSITIVE_INFINITY
    for (const id of this.latest.keys()) waitMs = Math.min(waitMs, this.callWaitMs(id, nowMs))
    return waitMs
  }

  /**
   * Takes the updates due at `nowMs` (`due`: 'timer', a timer's tolerance early; 'read', exactly: a
   * read is no timer that fires early; 'all': every one); the others keep waiting.
   */
  take(nowMs: number, due: 'timer' | 'read' | 'all'): PendingProgressUpdate[] {
    const taken: PendingProgressUpdate[] = []
    const toleranceMs = due === 'timer' ? DUE_TOLERANCE_MS : 0
    for (const [id, update] of this.latest) {
      if (due !== 'all' && this.callWaitMs(id, nowMs) > toleranceMs) continue
      taken.push(update)
      this.latest.delete(id)
    }
    return taken
  }

  /** A call's update was stored at `nowMs`: its next waits `PROGRESS_INTERVAL_MS` from then. */
  stored(id: string, nowMs: number): void {
    this.storedAtMs.set(id, nowMs)
  }

  /** The call returned: its waiting update is superseded by the result, and it is forgotten. */
  drop(id: string): void {
    this.latest.delete(id)
    this.storedAtMs.delete(id)
  }

  /** Forgets everything (the job closed). */
  clear(): void {
    this.latest.clear()
    this.storedAtMs.clear()
  }

  private callWaitMs(id: string, nowMs: number): number {
    const storedAtMs = this.storedAtMs.get(id)
    return storedAtMs === undefined ? 0 : storedAtMs + PROGRESS_INTERVAL_MS - nowMs
  }
}
