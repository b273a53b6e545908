/**
 * Two takeovers while a parallel branch waits for a human: the sibling branch that had finished
 * is reused both times, never run again. Before, the reducer listed the parallel node again at the
 * end of `executionOrder` when the first takeover ran it again; the finished branch's start then
 * lay before the parallel node's latest start, and the second takeover took its recorded output
 * for one of an older round and ran the tool a second time.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { JobState } from '../../shared/reducer'
import { reduceEvents } from '../../shared/reducer'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

let runs = 0
const think = defineTool({ name: 'think', description: 'thinks', parameters: z.object({}), execute: () => `thought #${++runs}` })

const fanOut = defineWorkflow({
  name: 'fan-out',
  description: 'asks in one branch, thinks in the other',
  input: z.object({}),
  nodes: {
    fan: { kind: 'parallel', branches: ['ask', 'think'] },
    ask: { kind: 'input', prompt: 'Go on?', schema: z.object({ ok: z.boolean() }) },
    think: { kind: 'tool', tool: 'think' },
    out: { kind: 'output', value: '{{outputs.think}}' },
  },
  edges: [['fan', 'out']],
})

/** The state a new owner reads: the question the lost owner left open voided, as the takeover does (run-manager.ts). */
function takenOver(state: JobState): JobState {
  const open = state.pendingInputs[0]!
  return reduceEvents(state, [{ type: 'input-response', requestId: open.requestId, answer: null, answeredAt: 0, answeredBy: 'system:owner-lost', seq: state.seq + 1, at: 0 }])
}

/** Lets the run go on until `done` holds (a few turns of the event loop; no clock involved). */
async function until(done: () => boolean) {
  for (let turn = 0; turn < 100 && !done(); turn++) await new Promise(resolve => setImmediate(resolve))
  expect(done()).toBe(true)
}

describe('two takeovers while a parallel branch waits', () => {
  it('reuses the finished branch both times', async () => {
    runs = 0
    const first = startWorkflow(fanOut, {}, { tools: [think] })
    await first.nextInput()
    await until(() => first.state().nodeStates.think?.status === 'completed')
    const afterFirst = takenOver(first.state())
    first.abort()
    await first.done
    expect(afterFirst.nodeStates.think).toMatchObject({ status: 'completed', output: 'thought #1' })

    const second = startWorkflow(fanOut, {}, { tools: [think], resumedFrom: afterFirst, continueLog: true })
    await second.nextInput()
    const afterSecond = takenOver(second.state())
    second.abort()
    await second.done

    const third = startWorkflow(fanOut, {}, { tools: [think], resumedFrom: afterSecond, continueLog: true })
    await third.nextInput()
    third.answer({ ok: true })
    await third.done
    expect(third.error()).toBeUndefined()
    expect(runs).toBe(1)
    expect(third.state().content).toBe('thought #1')
    expect(third.state().executionOrder).toEqual(['fan', 'ask', 'think', 'out'])
  })
})
