/**
 * An output node its owner was cut off in after its text was stored but before its `node-end` was
 * (two writes; the owner lost between them): the owner taking over runs the node again, and its
 * value, already at the end of the job's content, is not written a second time. Before, the
 * content read 'intro\n\nintro\n\ndone'. A value the attempt had not written yet (the owner lost
 * before its text was stored) is written as before.
 */
import { expect, it } from 'vitest'
import { z } from 'zod'
import type { JobEvent } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

const flow = defineWorkflow({ name: 'w', description: 'two outputs', input: z.object({}), nodes: { intro: { kind: 'output', value: 'intro' }, out: { kind: 'output', value: 'done' } }, edges: [['intro', 'out']] })

/** The whole run's log, and the state the store holds when it ends before the event `cut` finds. */
async function storedBefore(cut: (event: JobEvent) => boolean) {
  const whole = startWorkflow(flow, {})
  await whole.done
  expect(whole.state().content).toBe('intro\n\ndone')
  const index = whole.events.findIndex(cut)
  return reduceEvents(createJobState({ id: 'job-1', type: 'workflow', createdAt: 0, status: 'running' }), whole.events.slice(0, index))
}

it.each([
  ['its text stored, its end not', (event: JobEvent) => event.type === 'node-end' && event.nodeId === 'out', 'intro\n\ndone'],
  ['the first node\'s text stored, its end not', (event: JobEvent) => event.type === 'node-end' && event.nodeId === 'intro', 'intro\n\ndone'],
  ['its start stored, its text not', (event: JobEvent) => event.type === 'text-delta' && event.nodeId === 'out', 'intro\n\ndone'],
])('an output node cut off (%s) writes its value once', async (_, cut, content) => {
  const resumed = startWorkflow(flow, {}, { resumedFrom: await storedBefore(cut), continueLog: true })
  await resumed.done
  expect(resumed.error()).toBeUndefined()
  // Before: 'intro\n\ndone\n\ndone' and 'intro\n\nintro\n\ndone'.
  expect(resumed.state().content).toBe(content)
})
