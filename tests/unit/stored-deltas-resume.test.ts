/**
 * A tab that watched a job on its owner (50 ms batches) and reconnects to another instance gets
 * the stored log's events after its seq. Stored events are merged deltas (decision 003); Convex
 * splits an event too big for one call in two, and a split that does not fall on a seq the
 * viewers saw places the second half past the end of a tab's text: a gap it can never fill.
 * The write-behind queue must merge only what the store keeps whole, whatever the text escapes to
 * in JSON (a control character is six bytes there: terminal output).
 */
import { describe, expect, it } from 'vitest'
import type { JobEvent } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { applyEvent, createJobState, reduceEvents } from '../../shared/reducer'
import { MAX_APPEND_BYTES } from '../../convex/limits'
import type { HeldLog } from '../../server/lib/catch-up'
import { catchUpFrames } from '../../server/lib/catch-up'
import { createPersistQueue } from '../../server/lib/persist-queue'
import { planAppendCalls } from '../../server/lib/providers/convex-batches'
import type { AppendResult, JobProvider } from '../../server/lib/providers/types'
import { createTimerSet } from '../../server/lib/timers'
import { adoptSnapshot } from '../../app/lib/job-state'

const base = createJobState({ id: 'j', type: 'chat', createdAt: 0 })

/**
 * The Convex provider's writes as they land (convex-append.ts): each call's events as planned
 * under Convex's limits. The first write waits until `release` (a slow store: the next batch is big).
 */
function convexLikeStore() {
  const stored: JobEvent[] = []
  let release!: () => void
  const slow = new Promise<void>((resolve) => {
    release = resolve
  })
  let writes = 0
  const provider: Pick<JobProvider, 'appendEvents' | 'maxBatchBytes' | 'readEvents'> = {
    maxBatchBytes: MAX_APPEND_BYTES,
    async readEvents(_id, afterSeq) {
      return { events: stored.filter(event => event.seq > afterSeq), complete: true }
    },
    async appendEvents(_id, events): Promise<AppendResult> {
      if (writes++ === 0) await slow
      for (const call of planAppendCalls(events)) stored.push(...call.events)
      return { ok: true, lastSeq: events.at(-1)!.seq }
    },
  }
  return { provider, stored, release: () => release() }
}

describe('a tab resuming from the stored log of a job that streamed terminal output', () => {
  it('ends with the whole text from every position it may have seen live', async () => {
    const { provider, stored, release } = convexLikeStore()
    const queue = createPersistQueue({ provider, jobId: 'j', timers: createTimerSet(), intervalMs: 0, bytes: 1024, mergeDeltas: true, onRefused: () => {}, onError: () => {} })
    // A progress display redrawn in place: clear the line, back to its start, the next frame.
    const chunk = '\u001B[K\r'.repeat(25_000)
    const live: JobEvent[] = []
    let content = ''
    for (let seq = 1; seq <= 24; seq++) {
      const event: JobEvent = { type: 'text-delta', seq, at: seq, offset: content.length, text: `${chunk}${seq}` }
      content += event.text
      live.push(event)
      queue.push(event)
    }
    release()
    expect(await queue.flush()).toBe('stored')
    const log: HeldLog = { events: stored, complete: true, state: reduceEvents(base, stored), baseState: base }
    expect(log.state.content === content).toBe(true)

    const short: number[] = []
    for (let seq = 0; seq <= live.length; seq++) {
      let tab: JobState = reduceEvents(base, live.slice(0, seq))
      for (const frame of catchUpFrames(log, { epoch: 1, seq })) tab = frame.event === 'snapshot' ? adoptSnapshot(tab, frame.data) : applyEvent(tab, frame.data)
      if (tab.content !== content) short.push(seq)
    }
    expect(short).toEqual([])
  })
})
