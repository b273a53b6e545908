/**
 * Writes a job's committed events to the provider in batches: at most every `intervalMs`, or as
 * soon as `bytes` are pending, immediately at every boundary (non-delta) event, one write in
 * flight. Bytes written grow with the output, never the whole content per write.
 */
import type { JobEvent } from '../../shared/events'
import type { AppendRefusal, JobProvider } from './providers/types'
import type { TimerSet } from './timers'
import { mergeDeltas } from './replay'

/** Options of a persist queue. */
export interface PersistQueueOptions {
  provider: JobProvider
  jobId: string
  timers: TimerSet
  /** 0 writes at once (the memory provider). */
  intervalMs: number
  bytes: number
  epoch?: number
  /** Called once when the provider refuses a write (terminal elsewhere, stale epoch, conflict). */
  onRefused: (reason: AppendRefusal) => void
  /** Called when a write throws (network); the events stay pending and are retried. */
  onError: (error: unknown) => void
  /**
   * Merge consecutive deltas of a batch into one stored event (`fromSeq`..`seq`), so stored bytes
   * track the text, not the number of batching windows. @default false
   */
  mergeDeltas?: boolean
}

/** A job's write-behind queue. */
export interface PersistQueue {
  push(event: JobEvent): void
  /** Writes everything pending; resolves when the provider has it (or refused it). */
  flush(): Promise<void>
  /** Pending events not yet written. */
  readonly pendingCount: number
  /** Writes made so far (for tests and metrics). */
  readonly writes: number
  dispose(): void
}

/** A rough byte size of an event, cheap for deltas (the common case). */
function eventBytes(event: JobEvent): number {
  if (event.type === 'text-delta' || event.type === 'reasoning-delta') return event.text.length + 64
  return JSON.stringify(event).length
}

/** Creates the write-behind queue of one job. */
export function createPersistQueue(options: PersistQueueOptions): PersistQueue {
  let pending: JobEvent[] = []
  let pendingBytes = 0
  let inFlight: Promise<void> | null = null
  let cancelTimer: (() => void) | null = null
  let refused = false
  let writes = 0
  const RETRY_DELAY_MS = 1_000

  async function writeLoop(): Promise<void> {
    while (pending.length > 0 && !refused) {
      const batch = pending
      pending = []
      pendingBytes = 0
      try {
        writes++
        const stored = options.mergeDeltas ? mergeDeltas(batch) : batch
        const result = await options.provider.appendEvents(options.jobId, stored, { epoch: options.epoch })
        if (!result.ok) {
          refused = true
          options.onRefused(result.reason)
        }
      }
      catch (error) {
        // Keep the events (in order) and retry later: nothing is lost on a passing fault.
        pending = [...batch, ...pending]
        pendingBytes = pending.reduce((sum, event) => sum + eventBytes(event), 0)
        options.onError(error)
        schedule(RETRY_DELAY_MS)
        return
      }
    }
  }

  function start(): Promise<void> {
    cancelTimer?.()
    cancelTimer = null
    if (!inFlight) {
      inFlight = writeLoop().finally(() => {
        inFlight = null
      })
    }
    return inFlight
  }

  function schedule(delayMs: number) {
    if (cancelTimer) return
    cancelTimer = options.timers.timeout(() => {
      cancelTimer = null
      void start()
    }, delayMs)
  }

  return {
    push(event) {
      if (refused) return
      pending.push(event)
      pendingBytes += eventBytes(event)
      const boundary = event.type !== 'text-delta' && event.type !== 'reasoning-delta'
      if (boundary || options.intervalMs === 0 || pendingBytes >= options.bytes) void start()
      else schedule(options.intervalMs)
    },
    async flush() {
      // A write already in flight may leave more pending behind it: loop until nothing is left.
      while ((pending.length > 0 || inFlight) && !refused) {
        await start()
        if (cancelTimer) break // a failed write scheduled a retry; do not spin
      }
    },
    get pendingCount() {
      return pending.length
    },
    get writes() {
      return writes
    },
    dispose() {
      cancelTimer?.()
      cancelTimer = null
    },
  }
}
