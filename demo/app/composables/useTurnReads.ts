/**
 * The thread's way to read a turn's job again: each JobTurn lends its job's `refresh` (the state
 * read into the turn, which its stream shares) while it is mounted. The thread's Stop uses it when
 * a stopped turn's stream does not bring its end in time (composables/useThreadStop.ts).
 */
import type { InjectionKey } from 'vue'
import { inject, onBeforeUnmount, provide } from 'vue'

type TurnRead = () => Promise<void>

const TURN_READS_KEY: InjectionKey<Map<string, TurnRead>> = Symbol('turn-reads')

/** For the thread (ThreadView.vue): reads `jobId`'s turn again; nothing when no turn of it is mounted. */
export function provideTurnReads(): (jobId: string) => Promise<void> {
  const reads = new Map<string, TurnRead>()
  provide(TURN_READS_KEY, reads)
  return async (jobId) => {
    await reads.get(jobId)?.()
  }
}

/** For a turn (JobTurn.vue): lends `read` for its job until it unmounts; outside a thread, nothing. */
export function lendTurnRead(jobId: string, read: TurnRead): void {
  const reads = inject(TURN_READS_KEY, null)
  if (!reads) return
  reads.set(jobId, read)
  onBeforeUnmount(() => {
    if (reads.get(jobId) === read) reads.delete(jobId)
  })
}
