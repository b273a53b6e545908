/**
 * `useBackgroundJob().nodes` in a long workflow run. It is computed again on every event, a text
 * delta too, and `orderedNodes` walked the whole execution order each time (then `keepSameNodes`
 * compared the lists node by node): per delta, work that grew with the run. Now a state whose node
 * map and execution order are the ones of the last call gets the same list back without a walk.
 */
import { describe, expect, it } from 'vitest'
import { keepSameNodes, orderedNodes } from '../../app/lib/job-state'
import type { JobEvent } from '../../shared/events'
import { applyEvent, createJobState, reduceEvents } from '../../shared/reducer'
import { loopRounds } from '../support/list-work'

describe('the nodes of a long workflow run on the client', () => {
  it('are not walked again for a text delta', () => {
    const state = reduceEvents(createJobState({ id: 'w', type: 'workflow', createdAt: 0 }), loopRounds(3_000))
    let reads = 0
    const executionOrder = new Proxy(state.executionOrder, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++
        return Reflect.get(target, key, receiver)
      },
    })
    const before = { ...state, executionOrder }
    const shown = keepSameNodes(undefined, orderedNodes(before))
    expect(shown.map(node => node.nodeId)).toEqual(['work', 'again'])

    reads = 0
    const delta = applyEvent(before, { type: 'text-delta', offset: 0, text: 'hello', seq: state.seq + 1, at: state.seq + 1 } as JobEvent)
    expect(keepSameNodes(shown, orderedNodes(delta))).toBe(shown)
    expect(reads).toBe(0)

    // A node's start is a new list (the same two nodes, the new state of one).
    const started = applyEvent(delta, { type: 'node-start', nodeId: 'work', kind: 'tool', seq: state.seq + 2, at: state.seq + 2 } as JobEvent)
    const next = keepSameNodes(shown, orderedNodes(started))
    expect(next).not.toBe(shown)
    expect(next.map(node => `${node.nodeId}:${node.status}`)).toEqual(['work:running', 'again:completed'])
  })
})
