/**
 * Group commit for the `redis` provider's appends. Every running job writes its committed batch
 * as it is committed (one per 50 ms window per job); sent one by one, each is its own script call,
 * socket write, Redis wake-up and pub/sub read on the following instance — at a few hundred jobs
 * that costs more than the writes themselves. Here the appends of every job on this instance that
 * arrive within one short window go to Redis as one script call: each job is still checked and
 * written on its own and each caller gets its own outcome, exactly as if it had been sent alone.
 *
 * A group goes out once the callback that appended returns (a microtask: the engine commits every
 * due batch window of all jobs in one timer callback, so they form one group), at most one per
 * `windowMs`: an append less than a window after the last group waits for the window's end. So
 * the first append after a quiet moment goes out at once (leading edge), a busy instance adds at
 * most `windowMs`, and a saturated one — whose event-loop turns last longer than the window —
 * sends in the turn that appended: the Redis client writes its queued commands in that turn's
 * `setImmediate` phase (a group sent from a `setImmediate` callback would be written a whole
 * turn later, tens of ms on a saturated instance). A group is also cut at `maxBytes`.
 */
import { utf8ByteLength } from '../bytes'

/** One job's append, as the append script takes it. */
export interface AppendCall {
  id: string
  /** The writer's lease epoch, '' for none. */
  epoch: string
  /** The events' heads (redis-records.ts `eventHeads`). */
  heads: string
  /** The events' JSON, stored and published as it is. */
  events: string
}

/**
 * The script's answer for one call: 'ok' or the refusal with the job's last stored seq, or
 * 'error' with the message of the error the job's append raised.
 */
export type AppendReply = [outcome: string, lastSeq: number] | [outcome: 'error', message: string]

/** Options of `createAppendBatcher`. */
export interface AppendBatcherOptions {
  /** Sends a group (one script call); resolves with one reply per call, in order. */
  send: (calls: AppendCall[]) => Promise<AppendReply[]>
  /** The shortest time between two groups. 0 sends at the end of every turn that appended. */
  windowMs: number
  /** A group is sent as soon as its calls hold this many UTF-8 bytes. */
  maxBytes: number
  /** Monotonic milliseconds. @default performance.now */
  now?: () => number
}

/** The batcher of one provider. */
export interface AppendBatcher {
  append(call: AppendCall): Promise<AppendReply>
  /** Groups sent so far (tests, metrics). */
  readonly groups: number
  /** Sends what is gathered now and stops the window's timer. */
  close(): void
}

interface Waiting {
  call: AppendCall
  resolve: (reply: AppendReply) => void
  reject: (error: unknown) => void
}

/** Creates a batcher. */
export function createAppendBatcher(options: AppendBatcherOptions): AppendBatcher {
  const now = options.now ?? (() => performance.now())
  let gathered: Waiting[] = []
  let gatheredBytes = 0
  let groups = 0
  // When the last group went out: the next one may go once `windowMs` has passed since.
  let lastSentAtMs = Number.NEGATIVE_INFINITY
  let turnEndQueued = false
  let windowEnd: NodeJS.Timeout | undefined

  function sendGathered() {
    if (gathered.length === 0) return
    const group = gathered
    gathered = []
    gatheredBytes = 0
    groups++
    lastSentAtMs = now()
    options.send(group.map(waiting => waiting.call)).then((replies) => {
      group.forEach((waiting, index) => {
        const reply = replies[index]
        if (reply) waiting.resolve(reply)
        else waiting.reject(new Error(`The append script answered ${replies.length} of ${group.length} appends`))
      })
    }, (error: unknown) => {
      for (const waiting of group) waiting.reject(error)
    })
  }

  /**
   * After the callback that appended: send, unless the last group went out less than a window
   * ago — then at the window's end.
   */
  function endOfTurn() {
    turnEndQueued = false
    if (gathered.length === 0 || windowEnd) return
    const waitMs = lastSentAtMs + options.windowMs - now()
    if (waitMs <= 0) {
      sendGathered()
      return
    }
    windowEnd = setTimeout(() => {
      windowEnd = undefined
      sendGathered()
    }, waitMs)
    windowEnd.unref?.()
  }

  return {
    append(call) {
      return new Promise<AppendReply>((resolve, reject) => {
        gathered.push({ call, resolve, reject })
        gatheredBytes += utf8ByteLength(call.events) + call.heads.length + call.id.length
        if (gatheredBytes >= options.maxBytes) sendGathered()
        else if (!turnEndQueued && !windowEnd) {
          turnEndQueued = true
          queueMicrotask(endOfTurn)
        }
      })
    },
    get groups() {
      return groups
    },
    close() {
      if (windowEnd) clearTimeout(windowEnd)
      windowEnd = undefined
      sendGathered()
    },
  }
}
