/**
 * The `convex` provider's `appendEvents`: sized calls (convex-batches.ts), each with a timeout,
 * and safe retries. A call that timed out is not lost: the Convex client sends it again after a
 * reconnect, so it may still commit. Until its outcome is known no other write of that job is sent
 * (at most one per job is ever outstanding), and once it is known, the events it stored are dropped
 * from the retry — also from a merged delta that only partly overlaps them — so a retry never
 * collides with its own earlier attempt.
 */
import type { JobEvent } from '../../../shared/events'
import { isDeltaEvent } from '../../../shared/events'
import type { ConvexFacade } from './convex-facade'
import { convexFunctions as fn } from './convex-functions'
import { type BatchLimits, CONVEX_BATCH_LIMITS, planAppendCalls } from './convex-batches'
import type { AppendOptions, AppendResult } from './types'

/** An earlier append of a job whose last call's outcome is unknown (it timed out). */
interface UncertainAppend {
  /** The job's last seq as stored by that append's calls that did answer (null: none did). */
  storedSeq: number | null
  /** The call that timed out: settles to its result, or null if it failed. */
  outcome: Promise<AppendResult | null>
  /** The events that append sent, as sent (for trimming a partly stored delta). */
  sent: JobEvent[]
}

/** Options of `createConvexAppender`. */
export interface ConvexAppenderOptions {
  facade: ConvexFacade
  /** Rejects a call's promise after its timeout (the call itself goes on). */
  deadline: <T>(promise: Promise<T>, what: string) => Promise<T>
  limits?: BatchLimits
  /** At most this many jobs with an uncertain append are remembered. @default 1000 */
  maxUncertain?: number
}

type Delta = Extract<JobEvent, { type: 'text-delta' | 'reasoning-delta' }>

/**
 * `events` without what is stored up to `storedSeq`. A merged delta that straddles it keeps only
 * its text past the end that `sent` (what was stored) reached. Left whole when that cannot be
 * worked out: the append is then refused as a seq conflict, as it should be.
 */
export function dropStored(events: JobEvent[], storedSeq: number, sent: JobEvent[]): JobEvent[] {
  const kept: JobEvent[] = []
  for (const event of events) {
    if (event.seq <= storedSeq) continue
    const fromSeq = event.fromSeq ?? event.seq
    if (fromSeq > storedSeq || !isDeltaEvent(event)) {
      kept.push(event)
      continue
    }
    const stored = sent.filter((candidate): candidate is Delta => isDeltaEvent(candidate) && candidate.type === event.type && candidate.nodeId === event.nodeId && candidate.seq <= storedSeq).at(-1)
    const end = stored ? stored.offset + stored.text.length : -1
    const cut = end - event.offset
    if (!stored || cut < 0 || cut > event.text.length) {
      kept.push(event)
      continue
    }
    const { fromSeq: _fromSeq, ...rest } = event
    kept.push({ ...rest, offset: end, text: event.text.slice(cut), ...(event.seq > storedSeq + 1 ? { fromSeq: storedSeq + 1 } : {}) } as Delta)
  }
  return kept
}

/** Creates the provider's `appendEvents` and a way to forget the retries it remembers. */
export function createConvexAppender(options: ConvexAppenderOptions) {
  const { facade, deadline } = options
  const limits = options.limits ?? CONVEX_BATCH_LIMITS
  const maxUncertain = options.maxUncertain ?? 1_000
  const uncertain = new Map<string, UncertainAppend>()

  function remember(id: string, entry: UncertainAppend) {
    uncertain.delete(id)
    uncertain.set(id, entry)
    // Oldest first: a job forgotten here gets an honest seq conflict if it ever retries.
    if (uncertain.size > maxUncertain) uncertain.delete(uncertain.keys().next().value!)
  }

  /** What an earlier uncertain append of the job stored; throws while its outcome is still unknown. */
  async function settle(id: string, events: JobEvent[]): Promise<{ events: JobEvent[], lastSeq: number | null }> {
    const previous = uncertain.get(id)
    if (!previous) return { events, lastSeq: null }
    const outcome = await deadline(previous.outcome, 'events:appendEvents (an earlier attempt)')
    uncertain.delete(id)
    const storedSeq = outcome?.ok ? outcome.lastSeq : previous.storedSeq
    if (storedSeq === null) return { events, lastSeq: null }
    return { events: dropStored(events, storedSeq, previous.sent), lastSeq: storedSeq }
  }

  async function appendEvents(id: string, events: JobEvent[], appendOptions: AppendOptions = {}): Promise<AppendResult> {
    const { epoch } = appendOptions
    if (epoch === undefined) throw new TypeError('The convex provider only stores events of a lease holder: appendEvents needs { epoch }')
    const settled = await settle(id, events)
    if (settled.lastSeq !== null && settled.events.length === 0) return { ok: true, lastSeq: settled.lastSeq }
    let result: AppendResult | null = null
    const sent: JobEvent[] = []
    const calls = planAppendCalls(settled.events, limits)
    // Nothing to store: one empty call still checks the job and epoch and reports its last seq.
    if (calls.length === 0) calls.push({ batches: [], events: [] })
    for (const call of calls) {
      sent.push(...call.events)
      const attempt = facade.mutation(fn.appendEvents, { jobId: id, epoch, batches: call.batches })
      try {
        result = await deadline(attempt, 'events:appendEvents')
      }
      catch (error) {
        const storedSeq = result?.ok ? result.lastSeq : settled.lastSeq
        // A timed-out call may still commit; any other failure did not.
        if (isTimeout(error)) remember(id, { storedSeq, outcome: attempt.then(value => value, () => null), sent: [...sent] })
        else if (storedSeq !== null) remember(id, { storedSeq, outcome: Promise.resolve(null), sent: [...sent] })
        throw error
      }
      if (!result.ok) return result
    }
    return result!
  }

  return {
    appendEvents,
    /** Jobs with an append whose outcome is unknown (for tests). */
    get uncertainCount() {
      return uncertain.size
    },
    clear() {
      uncertain.clear()
    },
  }
}

/** True for the error `deadline` throws. */
function isTimeout(error: unknown): boolean {
  return (error as { name?: string })?.name === 'ProviderUnavailableError'
}
