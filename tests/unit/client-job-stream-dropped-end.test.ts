/**
 * A `job-end` that covers seqs the store never took (`fromSeq`: it refused them, decision 54) while
 * the follower has some of them — text the job's owner streamed it, then a server that follows the
 * store sent the end — is not applied: the follower takes the job's state again, so the tab ends on
 * the stored answer. Before, the end was applied on top of the refused text, which stayed.
 */
import { describe, expect, it } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { at, openedAt, snapshot } from '../support/job-stream-harness'

const refusedEnd = (fromSeq: number, seq: number): JobEvent => ({ type: 'job-end', status: 'failed', error: { code: 'store-refused', message: 'refused' }, metrics: emptyMetrics(), fromSeq, seq, at })
/** The stored job after that end: 'Hello ', failed. */
const stored = (seq: number): JobState => ({ ...snapshot(seq, 'Hello '), status: 'failed', endedAt: at })

describe('a job-end over seqs the store never took', () => {
  it('with some of them on the follower: the state is taken again, and the tab ends on the stored answer', async () => {
    const test = openedAt(2, 'Hello ')
    // Streamed by the owner, never stored.
    test.sources[0]!.emit('text-delta', [6, 'bad text'], '3')
    expect(test.state()!.content).toBe('Hello bad text')
    // The end, as a server following the store sends it: it covers 3 and 4.
    test.sources[0]!.emit('job-end', refusedEnd(3, 4), '4')
    expect(test.sources[0]!.closed).toBe(true)
    expect(test.ended()).toBe(0)
    await test.runTimer(stored(4))
    expect(test.state()).toMatchObject({ content: 'Hello ', status: 'failed', seq: 4 })
    expect(test.ended()).toBe(1)
    expect(test.sources).toHaveLength(1)
  })

  it('with none of them (a replay from before them): applied as any end, nothing asked', () => {
    const test = openedAt(2, 'Hello ')
    test.sources[0]!.emit('job-end', refusedEnd(3, 4), '4')
    expect(test.state()).toMatchObject({ content: 'Hello ', status: 'failed', seq: 4 })
    expect(test.ended()).toBe(1)
    expect(test.probes()).toBe(0)
  })
})
