/**
 * The shared reducer's cost in a long run (a workflow loop with `limits.maxNodesPerJob` raised far
 * above 50). Before, every event copied or walked the lists it touched: `reduceEvents` (snapshots,
 * the providers' stored state, replays, the inspector) copied `executionOrder` and `toolCalls` per
 * event, a call's result mapped over every call of the job, and each node's end walked the whole
 * execution order looking for a node still running — quadratic in the run's length (4,000 loop
 * rounds took 11 s). Now a reduction changes the lists it made in place, a call is found through
 * an index and a node's end walks nothing when no other node runs.
 */
import { describe, expect, it } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { applyEvent, createJobState, reduceEvents } from '../../shared/reducer'
import { countListWork, loopRounds } from '../support/list-work'

const ROUNDS = 3_000
const fresh = () => createJobState({ id: 'w', type: 'workflow', createdAt: 0 })

describe('the reducer in a long run', () => {
  it('reduces a long log in time linear in its length, and never changes the state it starts from', async () => {
    const events = loopRounds(ROUNDS)
    const { result: state, visited } = await countListWork(() => reduceEvents(fresh(), events))
    expect(visited).toBeLessThan(10 * events.length)
    expect(state.executionOrder).toHaveLength(2 * ROUNDS)
    expect(state.toolCalls).toHaveLength(ROUNDS)
    expect(state.toolCalls.every((call, index) => call.status === 'completed' && call.result === index + 1)).toBe(true)
    expect(state.currentNodeId).toBeNull()

    // The state a reduction starts from stays as it was (a snapshot a caller keeps).
    const half = reduceEvents(fresh(), events.slice(0, events.length / 2))
    const before = JSON.stringify(half)
    const whole = reduceEvents(half, events.slice(events.length / 2))
    expect(JSON.stringify(half)).toBe(before)
    expect(whole).toEqual(state)
  })

  it('ends a node without walking the execution order', () => {
    const state = reduceEvents(fresh(), [...loopRounds(ROUNDS), ...loopRounds(1, 6 * ROUNDS + 1).slice(0, 2)])
    let reads = 0
    const counted = <T extends object>(list: T): T => new Proxy(list, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++
        return Reflect.get(target, key, receiver)
      },
    })
    const watched = { ...state, executionOrder: counted(state.executionOrder) }
    const seq = state.seq
    const result = applyEvent(watched, { type: 'tool-result', id: 'work-1', status: 'completed', result: 'x', durationMs: 1, nodeId: 'work', seq: seq + 1, at: seq + 1 } as JobEvent)
    const ended = applyEvent(result, { type: 'node-end', nodeId: 'work', status: 'completed', output: 'x', seq: seq + 2, at: seq + 2 } as JobEvent)
    expect(reads).toBe(0)
    expect(ended.currentNodeId).toBeNull()
    expect(ended.nodeStates.work!.status).toBe('completed')
  })
})
