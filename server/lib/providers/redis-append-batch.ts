/**
 * Group commit for the `redis` provider's appends. Every running job writes its committed batch
 * as it is committed (one per 50 ms window per job); sent one by one, each is its own script call,
 * socket write, Redis wake-up and pub/sub read on the following instance — at a few hundred jobs
 * that costs more than the writes themselves. Here the appends of every job on this instance that
 * arrive within one short window go to Redis as one script call: each job is still checked and
 * written on its own and each caller gets its own outcome, exactly as if it had been sent alone.
 *
 * The window has a leading edge, like the engine's batching: the first append after a quiet
 * window goes out at the end of its event-loop turn (with whatever else that turn appended), and
 * opens the window; appends inside it wait for its end. A quiet instance adds no delay, a busy
 * one at most `windowMs`. A group is also cut once it holds `maxBytes`.
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

/** The script's answer for one call: 'ok' or the refusal, and the job's last stored seq. */
export type AppendReply = [outcome: string, lastSeq: number]

/** Options of `createAppendBatcher`. */
export interface AppendBatcherOptions {
  /** Sends a group (one script call); resolves with one reply per call, in order. */
  send: (calls: AppendCall[]) => Promise<AppendReply[]>
  /** How long appends are gathered after a group went out. 0 gathers one event-loop turn. */
  windowMs: number
  /** A group is sent as soon as its calls hold this many UTF-8 bytes. */
  maxBytes: number
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
  let gathered: Waiting[] = []
  let gatheredBytes = 0
  let groups = 0
  let leading: NodeJS.Immediate | undefined
  let window: NodeJS.Timeout | undefined

  function sendGathered() {
    if (gathered.length === 0) return
    const group = gathered
    gathered = []
    gatheredBytes = 0
    groups++
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

  function openWindow() {
    if (options.windowMs <= 0) return
    window = setTimeout(() => {
      window = undefined
      // Nothing arrived during the window: it closes, and the next append is a leading one again.
      if (gathered.length === 0) return
      sendGathered()
      openWindow()
    }, options.windowMs)
    window.unref?.()
  }

  return {
    append(call) {
      return new Promise<AppendReply>((resolve, reject) => {
        gathered.push({ call, resolve, reject })
        gatheredBytes += utf8ByteLength(call.events) + call.heads.length + call.id.length
        if (gatheredBytes >= options.maxBytes) sendGathered()
        else if (!window && !leading) {
          leading = setImmediate(() => {
            leading = undefined
            sendGathered()
            openWindow()
          })
        }
      })
    },
    get groups() {
      return groups
    },
    close() {
      if (leading) clearImmediate(leading)
      if (window) clearTimeout(window)
      leading = undefined
      window = undefined
      sendGathered()
    },
  }
}
