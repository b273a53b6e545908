/**
 * An in-memory event log for the persist queue's tests: a batch `fails` picks an error for is
 * refused by throwing it; any other lands when it starts right after the last stored seq (else a
 * `seq-conflict`, as every provider answers). Every append is counted.
 */
import type { JobEvent } from '../../shared/events'
import type { AppendResult, JobProvider } from '../../server/lib/providers/types'

export function failingAppendStore(fails: (events: JobEvent[]) => Error | undefined) {
  const stored: JobEvent[] = []
  let calls = 0
  const provider: Pick<JobProvider, 'appendEvents' | 'maxBatchBytes' | 'readEvents'> = {
    async readEvents(_id, afterSeq) {
      return { events: stored.filter(event => event.seq > afterSeq), complete: true }
    },
    async appendEvents(_id, events): Promise<AppendResult> {
      calls++
      const error = fails(events)
      if (error) throw error
      const lastSeq = stored.at(-1)?.seq ?? 0
      if ((events[0]!.fromSeq ?? events[0]!.seq) !== lastSeq + 1) return { ok: false, reason: 'seq-conflict', lastSeq }
      stored.push(...events)
      return { ok: true, lastSeq: events.at(-1)!.seq }
    },
  }
  return { provider, stored, calls: () => calls }
}
