/**
 * A running job's state in a long run (a workflow loop with `limits.maxNodesPerJob` raised far above
 * 50). Before, the live job applied each event with a fresh copy of the list it touched, so each
 * node's start copied the whole execution order and each call copied every call of the job: the
 * run slowed down quadratically (4,000 loop rounds took 11 s on the event loop every job shares).
 * Now the live job appends in place to the lists it made, and a state it hands out is never
 * changed afterwards.
 */
import { describe, expect, it } from 'vitest'
import { createBatchClock } from '../../server/lib/batch-clock'
import { LiveJob } from '../../server/lib/live-job'
import type { PersistQueue } from '../../server/lib/persist-queue'
import { eventBytes } from '../../server/lib/persist-queue'
import type { JobEventPayload } from '../../shared/events'
import { createJobState } from '../../shared/reducer'
import { countListWork, loopRounds } from '../support/list-work'

const ROUNDS = 3_000

function liveJob() {
  const persist: PersistQueue = {
    push: () => {},
    flush: async () => 'stored',
    sizeOf: eventBytes,
    maxEventBytes: 4 * 1024 * 1024,
    pendingCount: 0,
    writes: 0,
    refusal: null,
    closedWithoutLog: null,
    ownEndStored: null,
    droppedFrom: null,
    storeEnd: async () => 'stored',
    close: () => {},
  }
  const clock = createBatchClock()
  const job = new LiveJob({ state: createJobState({ id: 'w', type: 'workflow', createdAt: 0 }), clock, persist, batchWindowMs: 0, now: () => 1 })
  return { job, dispose: () => clock.dispose() }
}

/** The loop's events as a runner emits them (the live job numbers them). */
function payloads(rounds: number): JobEventPayload[] {
  return loopRounds(rounds).map(({ seq: _seq, at: _at, ...payload }) => payload as JobEventPayload)
}

describe('a live job in a long run', () => {
  it('applies each event without copying the run\'s lists, and never changes a state it handed out', async () => {
    const { job, dispose } = liveJob()
    try {
      const [first, second] = [payloads(ROUNDS / 2), payloads(ROUNDS / 2)]
      const { visited: firstVisited } = await countListWork(() => { for (const payload of first) job.commit(payload) })
      const kept = job.state
      const keptJson = JSON.stringify(kept)
      const { visited } = await countListWork(() => { for (const payload of second) job.commit(payload) })
      expect(firstVisited + visited).toBeLessThan(10 * (first.length + second.length))
      // A reader that kept the state (a snapshot being sent, GET /api/jobs/:id) still has it as it was.
      expect(JSON.stringify(kept)).toBe(keptJson)
      expect(kept.executionOrder).toHaveLength(ROUNDS)
      const state = job.state
      expect(state.executionOrder).toHaveLength(2 * ROUNDS)
      expect(state.toolCalls).toHaveLength(ROUNDS)
      expect(state.toolCalls.every(call => call.status === 'completed')).toBe(true)
    } finally {
      dispose()
    }
  })
})
