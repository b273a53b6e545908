/**
 * An agent node of a parallel node's branch holds its text until it ends (node-context.ts). Cut
 * off by its owner's death, it goes on like a sequential agent node (decision 38): each of its
 * rounds' held text is stored with the round's `step-end` (`heldText`, never sent to viewers), so
 * the node run again gets its stored tool rounds (their calls not run again: a charge made once)
 * and writes its whole text once. Before, it ran from scratch: the tool ran again, and a node cut
 * off after its held text was written but before its `node-end` wrote that text a second time.
 */
import { expect, it } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import type { RunContext } from '../../server/lib/run-context'
import { viewedEvent } from '../../server/lib/viewed-log'
import { createNodeContext } from '../../server/lib/workflows/node-context'
import { chargeTool, chargingFan as flow, chargingModel as scriptedModel } from '../support/charging-fan'
import { startWorkflow } from '../support/workflow-fake-context'

const whole = 'Noted.\n\nCharging.\n\nCharged once.\n\nPaid: Charged once.'

/** The state the store holds when the first owner's log ends before the event `cut` finds. */
async function storedBefore(cut: (event: JobEvent) => boolean) {
  const { tool, charges } = chargeTool()
  const first = startWorkflow(flow, {}, { tools: [tool], model: scriptedModel(['Charged', ' once.']) })
  await first.done
  expect(first.error()).toBeUndefined()
  expect(first.state().content).toBe(whole)
  expect(charges.count).toBe(1)
  const index = first.events.findIndex(cut)
  expect(index).toBeGreaterThan(0)
  return reduceEvents(createJobState({ id: 'job-1', type: 'workflow', createdAt: 0, status: 'running' }), first.events.slice(0, index))
}

/** Runs the job again from `resumedFrom`, as the owner taking it over does. */
async function resume(resumedFrom: Awaited<ReturnType<typeof storedBefore>>, answer: string[]) {
  const { tool, charges } = chargeTool()
  const model = scriptedModel(answer)
  const resumed = startWorkflow(flow, {}, { tools: [tool], model, resumedFrom, continueLog: true })
  await resumed.done
  expect(resumed.error()).toBeUndefined()
  return { resumed, model, charges }
}

const payEvent = (type: JobEvent['type'], step?: number) => (event: JobEvent) => event.type === type && event.nodeId === 'pay' && (step === undefined || (event as { step?: number }).step === step)

it('goes on from the stored tool round of a held agent cut off in its answer: the charge is not made again', async () => {
  // The answer's round started; nothing of it ended.
  const { resumed, model, charges } = await resume(await storedBefore(payEvent('step-end', 2)), ['Charged once.'])
  // Before: the model was asked anew ([system, user]) and charged a second time.
  expect(charges.count).toBe(0)
  expect(model.requests).toHaveLength(1)
  expect(model.requests[0]!.messages.slice(2)).toEqual([
    { role: 'assistant', content: 'Charging.', tool_calls: [{ id: 'call-1', type: 'function', function: { name: 'charge', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 'call-1', name: 'charge', content: '"charged #1"' },
  ])
  // The round's number goes on after the cut-off one.
  expect(resumed.events.filter(payEvent('step-start')).map(event => event.type === 'step-start' && event.step)).toEqual([3])
  expect(resumed.state().content).toBe(whole)
  expect(resumed.state().nodeStates.pay).toMatchObject({ status: 'completed', output: 'Charged once.' })
})

it('asks the model nothing more for a held agent whose answer round ended before its text was written', async () => {
  const { resumed, model, charges } = await resume(await storedBefore(payEvent('text-delta')), ['again'])
  expect(charges.count).toBe(0)
  expect(model.requests).toHaveLength(0)
  expect(resumed.state().content).toBe(whole)
  expect(resumed.state().nodeStates.pay).toMatchObject({ status: 'completed', output: 'Charged once.' })
})

it('writes a held agent\'s text once when it was written but its node-end was not stored', async () => {
  const { resumed, model, charges } = await resume(await storedBefore(payEvent('node-end')), ['again'])
  expect(charges.count).toBe(0)
  expect(model.requests).toHaveLength(0)
  // Before: 'Noted.\n\nCharging.\n\nCharged once.\n\nCharging.\n\nCharged once.\n\nPaid: …'
  expect(resumed.state().content).toBe(whole)
  expect(resumed.events.filter(payEvent('text-delta'))).toHaveLength(0)
  expect(resumed.state().nodeStates.pay).toMatchObject({ status: 'completed', output: 'Charged once.' })
})

it('writes only the rest of a held agent\'s text when the store has the start of its write', async () => {
  const stored = await storedBefore(payEvent('node-end'))
  // The end of pay's write not stored (its text split over two events, the owner lost between them).
  const { resumed, model } = await resume({ ...stored, content: stored.content.slice(0, -' once.'.length) }, ['again'])
  expect(model.requests).toHaveLength(0)
  expect(resumed.events.filter(payEvent('text-delta')).map(event => event.type === 'text-delta' && event.text)).toEqual([' once.'])
  expect(resumed.state().content).toBe(whole)
})

it('sends the stored tool rounds of a held agent whose rounds stored no text (an earlier version), and asks its answer again', async () => {
  const stored = await storedBefore(payEvent('text-delta'))
  const { heldText: _first, ...toolRound } = stored.steps.find(step => step.nodeId === 'pay' && step.step === 1)!
  const { heldText: _second, ...answerRound } = stored.steps.find(step => step.nodeId === 'pay' && step.step === 2)!
  const steps = stored.steps.map(step => step.nodeId !== 'pay' ? step : step.step === 1 ? toolRound : answerRound)
  const { resumed, model, charges } = await resume({ ...stored, steps }, ['Charged once.'])
  expect(charges.count).toBe(0)
  expect(model.requests.map(request => request.messages.slice(2).map(message => [message.role, message.content]))).toEqual([[['assistant', null], ['tool', '"charged #1"']]])
  // What the earlier version held of its rounds is lost (nobody saw it); the answer is written once.
  expect(resumed.state().content).toBe('Noted.\n\nCharged once.\n\nPaid: Charged once.')
})

it('stores each held round\'s text with its step-end, and viewers do not get it', async () => {
  const { tool } = chargeTool()
  const run = startWorkflow(flow, {}, { tools: [tool], model: scriptedModel(['Charged once.']) })
  await run.done
  const ends = run.events.filter(payEvent('step-end'))
  expect(ends.map(event => event.type === 'step-end' && event.heldText)).toEqual(['Charging.', '\n\nCharged once.'])
  expect(ends.map(event => 'heldText' in viewedEvent(event))).toEqual([false, false])
  // The other branch's round too.
  expect(run.events.filter(event => event.type === 'step-end' && event.nodeId === 'note').map(event => event.type === 'step-end' && event.heldText)).toEqual(['Noted.'])
})

it('stores no held text on a step-end that would not fit in one stored event (not a notice in its place)', () => {
  const emitted: unknown[] = []
  const job = { emit: (event: unknown) => emitted.push(event), model: {}, maxEventBytes: 2_000 } as unknown as RunContext
  const node = createNodeContext(job, { nodeId: 'pay', signal: new AbortController().signal, holdText: true })
  node.emit({ type: 'step-start', step: 1 })
  node.text('x'.repeat(1_500))
  node.emit({ type: 'step-end', step: 1, finishReason: 'tool_calls', toolCallCount: 1 })
  node.emit({ type: 'step-start', step: 2 })
  node.text('\n\nDone.')
  node.emit({ type: 'step-end', step: 2, finishReason: 'stop', toolCallCount: 0 })
  expect(emitted).toEqual([
    { type: 'step-start', step: 1, nodeId: 'pay' },
    { type: 'step-end', step: 1, finishReason: 'tool_calls', toolCallCount: 1, nodeId: 'pay' },
    { type: 'step-start', step: 2, nodeId: 'pay' },
    { type: 'step-end', step: 2, finishReason: 'stop', toolCallCount: 0, heldText: '\n\nDone.', nodeId: 'pay' },
  ])
})
