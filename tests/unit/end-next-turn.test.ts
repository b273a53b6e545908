/**
 * A job's end is stored and reported one event-loop turn after its runner returns: its final text
 * reaches its viewers at once, and the end's bookkeeping (storing and sending `job-end`, closing
 * the viewers, the log line, hooks) waits until the I/O callbacks already due have run — so jobs
 * ending together never hold back the text other streams have received (bench/notes/fanout.md).
 */
import { describe, expect, it } from 'vitest'
import { nextTurn, WAITERS_PER_TURN } from '../../server/lib/next-turn'
import type { RunContext } from '../../server/lib/run-context'
import { createRecordingSink, createTestEngine } from '../support/engine-harness'

/** Lets every pending microtask and nextTick run, but no macrotask. */
async function drainMicrotasks(): Promise<void> {
  for (let round = 0; round < 50; round++) await new Promise<void>(resolve => process.nextTick(resolve))
}

describe('the end of a job, one turn after its last text', () => {
  it('sends the final text at once and job-end in the next turn; another job\'s text in between goes out before it', async () => {
    let returned!: () => void
    const ranOut = new Promise<void>(resolve => returned = resolve)
    let go!: () => void
    const viewersAttached = new Promise<void>(resolve => go = resolve)
    let other: RunContext | undefined
    const { engine } = createTestEngine({
      config: { stream: { batchWindowMs: 50 } },
      runners: {
        chat: async (context, request) => {
          if (request.messages[0]?.content === 'one') {
            await viewersAttached
            context.text('the last words')
            returned()
            return
          }
          other = context
          await new Promise<void>(resolve => context.signal.addEventListener('abort', () => resolve()))
        },
      },
    })
    const { job } = await engine.createJob('user-1', { request: { type: 'chat', messages: [{ role: 'user', content: 'one' }] } })
    const sink = createRecordingSink()
    const attachment = await engine.attachViewer('user-1', job.id, sink, null)
    const second = (await engine.createJob('user-1', { request: { type: 'chat', messages: [{ role: 'user', content: 'two' }] } })).job
    const otherSink = createRecordingSink()
    await engine.attachViewer('user-1', second.id, otherSink, null)

    go()
    await ranOut
    await drainMicrotasks()
    // The final text went out with the runner's return (its window flushed), not the end.
    expect(sink.textEvents().map(event => 'text' in event ? event.text : '').join('')).toBe('the last words')
    expect(sink.frames.some(frame => frame.event === 'job-end')).toBe(false)
    expect(sink.closed).toBe(false)
    expect(engine.stats().runs).toBe(2)

    // Text the other job receives meanwhile (an I/O callback due in this turn) is not held back.
    await untilMicrotasks(() => other !== undefined)
    other!.text('meanwhile')
    other!.state() // flushes its window: the text goes out now
    expect(otherSink.textEvents().map(event => 'text' in event ? event.text : '').join('')).toBe('meanwhile')
    expect(sink.frames.some(frame => frame.event === 'job-end')).toBe(false)

    await nextTurn()
    await engine.whenSettled(job.id)
    expect(sink.frames.at(-1)).toMatchObject({ event: 'job-end', data: { status: 'completed' } })
    expect(sink.closed).toBe(true)
    expect(sink.state()).toMatchObject({ status: 'completed', content: 'the last words' })
    attachment.detach()
    await engine.abortJob('user-1', second.id)
    await engine.whenSettled(second.id)
    expect(engine.stats()).toMatchObject({ runs: 0, viewers: 0, jobTimers: 0 })
    await engine.dispose()
  })
})

describe('nextTurn with many waiters (a burst of jobs ending together)', () => {
  it('settles them in order, a few per event-loop turn, so the loop polls for I/O between two groups', async () => {
    // A chain of immediates that counts the loop's turns (each link runs one turn after the last).
    let turn = 0
    let counting = true
    const count = () => {
      turn++
      if (counting) setImmediate(count)
    }
    setImmediate(count)
    const settledIn: Array<[number, number]> = []
    const waiters = 3 * WAITERS_PER_TURN + 2
    await Promise.all(Array.from({ length: waiters }, (_, index) => nextTurn().then(() => settledIn.push([index, turn]))))
    counting = false
    expect(settledIn.map(([index]) => index)).toEqual(Array.from({ length: waiters }, (_, index) => index))
    const perTurn = new Map<number, number>()
    for (const [, at] of settledIn) perTurn.set(at, (perTurn.get(at) ?? 0) + 1)
    expect([...perTurn.values()]).toEqual([WAITERS_PER_TURN, WAITERS_PER_TURN, WAITERS_PER_TURN, 2])
    const turns = [...perTurn.keys()]
    for (let index = 1; index < turns.length; index++) expect(turns[index]).toBeGreaterThan(turns[index - 1]!)
    // A waiter after the burst is settled again from the start: no queue is left behind.
    const before = turn
    counting = true
    setImmediate(count)
    await nextTurn()
    counting = false
    expect(turn - before).toBeLessThanOrEqual(2)
  })
})

/** Waits (microtasks only) until `check` holds. */
async function untilMicrotasks(check: () => boolean): Promise<void> {
  for (let round = 0; round < 50 && !check(); round++) await new Promise<void>(resolve => process.nextTick(resolve))
  expect(check()).toBe(true)
}
