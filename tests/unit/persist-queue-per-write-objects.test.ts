/**
 * The write-behind to an in-process store runs once per committed event of a streaming job (the
 * memory provider: interval 0). What each write makes beyond the store's own call is counted
 * here where it can be counted exactly: no `.then` on the write loop's promise (a promise, a
 * reaction and a microtask per write), and one options object for all of a queue's writes. The
 * order and outcome of the writes stay as they were (persist-queue.test.ts).
 */
import { describe, expect, it } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { createPersistQueue } from '../../server/lib/persist-queue'
import type { AppendOptions, AppendResult, JobProvider } from '../../server/lib/providers/types'
import { createTimerSet } from '../../server/lib/timers'

const text = (seq: number, offset: number, value: string): JobEvent => ({ type: 'text-delta', seq, at: 1, offset, text: value })

/** A store that takes every write at once and keeps what it was given. */
function storeOf() {
  const batches: JobEvent[][] = []
  const options: Array<AppendOptions | undefined> = []
  const provider: Pick<JobProvider, 'appendEvents' | 'maxBatchBytes' | 'readEvents'> = {
    async readEvents() {
      return { events: batches.flat(), complete: true }
    },
    async appendEvents(_id, events, appendOptions): Promise<AppendResult> {
      batches.push(events)
      options.push(appendOptions)
      return { ok: true, lastSeq: events.at(-1)!.seq }
    },
  }
  return { provider, batches, options }
}

describe('the write-behind, per write', () => {
  it('makes no .then per write and hands the store the same options every time', async () => {
    const { provider, batches, options } = storeOf()
    const queue = createPersistQueue({ provider, jobId: 'job-1', timers: createTimerSet(), intervalMs: 0, bytes: 1024, epoch: 3, onRefused: () => {}, onError: () => {} })
    // Counted by hand: a vitest spy on `then` would call `then` on every promise it sees returned.
    // `await` on a native promise never calls it; an explicit `.then` does.
    const then = Promise.prototype.then
    let thenCalls = 0
    Promise.prototype.then = function (this: Promise<unknown>, ...args: Parameters<typeof then>) {
      // Only the queue's own (the test runner chains promises of its own meanwhile).
      if (new Error('then').stack?.includes('server/lib/persist-queue')) thenCalls++
      return then.apply(this, args)
    } as typeof then
    try {
      let offset = 0
      for (let seq = 1; seq <= 20; seq++) {
        queue.push(text(seq, offset, 'word '))
        offset += 5
        // One write per event: the next one is pushed after it was stored, as a streaming job's windows are.
        for (let turn = 0; turn < 5; turn++) await Promise.resolve()
      }
    }
    finally {
      Promise.prototype.then = then
    }
    expect(batches.map(batch => batch.map(event => event.seq))).toEqual(Array.from({ length: 20 }, (_, index) => [index + 1]))
    expect(thenCalls).toBe(0)
    expect(new Set(options).size).toBe(1)
    expect(options[0]).toEqual({ epoch: 3 })
    expect(await queue.flush()).toBe('stored')
  })
})
