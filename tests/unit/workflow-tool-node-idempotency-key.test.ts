/**
 * A tool node that charges a card must not charge twice when its owner is lost mid-call and the new
 * owner runs the node again (tool nodes are at least once across a takeover). docs/workflows.md
 * ("Restart safety") shows the key to give the payment API: the job's id, the node and its visit
 * count, which the attempt run again reads the same — and the next round of a loop reads one more.
 * The tool call's id is not such a key: the attempt run again gets `-attempt-2`.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { JobEvent } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

const keys: string[] = []
let hang = true
const charge = defineTool({
  name: 'charge',
  description: 'charges a card once per key',
  parameters: z.object({ cents: z.number(), round: z.number() }),
  execute: (args, ctx) => {
    keys.push(`${ctx.jobId}:charge:${args.round}`)
    if (hang) return new Promise<never>(() => {})
    return { receipt: `r-${args.round}` }
  },
})

const order = defineWorkflow({
  name: 'order',
  description: 'charges, asks for a retry once',
  input: z.object({ cents: z.number() }),
  nodes: {
    charge: { kind: 'tool', tool: 'charge', args: state => ({ cents: state.input.cents, round: state.visits.charge }) },
    again: { kind: 'branch', choose: state => (state.visits.charge < 2 ? 'charge' : 'done') },
    done: { kind: 'output', value: '{{outputs.charge.receipt}}' },
  },
  edges: [['charge', 'again'], ['again', 'charge'], ['again', 'done']],
})

/** The state the store holds when the log ends with the first event matching `until`. */
function logUntil(events: JobEvent[], until: (event: JobEvent) => boolean) {
  return reduceEvents(createJobState({ id: 'job-1', type: 'workflow', createdAt: 0 }), events.slice(0, events.findIndex(until) + 1))
}

describe('an idempotency key for a tool node\'s outside effect', () => {
  it('is the same for the attempt a takeover runs again, and new for the next round', async () => {
    keys.length = 0
    hang = true
    const first = startWorkflow(order, { cents: 500 }, { tools: [charge] })
    while (keys.length === 0) await new Promise(resolve => setImmediate(resolve))
    first.abort()
    await first.done
    const cutInCall = logUntil(first.events, event => event.type === 'tool-call')

    hang = false
    const second = startWorkflow(order, { cents: 500 }, { tools: [charge], resumedFrom: cutInCall, continueLog: true })
    await second.done
    expect(second.error()).toBeUndefined()
    expect(keys).toEqual(['job-1:charge:1', 'job-1:charge:1', 'job-1:charge:2'])
    expect(second.state().toolCalls.map(call => call.id)).toEqual(['charge-1', 'charge-1-attempt-2', 'charge-2'])
    expect(second.state().content).toBe('r-2')
  })
})
