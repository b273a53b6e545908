/**
 * An agent node cut off by its owner's death, run again by the owner taking over, goes on from the
 * text its cut-off visit stored, as a chat continued after a takeover does (decision 38): the model
 * gets the node's stored tool rounds and its answer so far as the start of its answer (a prefill),
 * the job's content reads one answer, and the node's output (what later nodes read) is the whole
 * of it. Before, the answer run again followed the stored start: 'The answer is\n\nThe answer is 42.'
 * A node cut off before it wrote any text runs as before; one whose answer was all stored (only its
 * `node-end` was not) asks the model nothing more. A parallel node's agents, whose text is held,
 * are in takeover-parallel-agent-continued.test.ts.
 */
import { expect, it } from 'vitest'
import { z } from 'zod'
import type { JobEvent } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import type { ModelClient, ModelEvent, ModelRequest } from '../../server/lib/model/types'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

const lookup = defineTool({ name: 'lookup', description: 'Looks up', parameters: z.object({}), execute: () => 'found 42' })
const flow = defineWorkflow({
  name: 'w',
  description: 'research, then its answer quoted',
  input: z.object({}),
  nodes: {
    research: { kind: 'agent', instructions: 'Research.', prompt: 'What is it?', tools: ['lookup'] },
    quote: { kind: 'output', value: state => `Quoted: ${String(state.outputs.research)}` },
  },
  edges: [['research', 'quote']],
})

/** A model whose first round calls `lookup` and whose next streams `chunks`; `requests` keeps what it was sent. */
function scriptedModel(chunks: string[], callsTool = true): ModelClient & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = []
  return {
    scripted: true,
    requests,
    async* stream(request): AsyncIterable<ModelEvent> {
      requests.push({ ...request, messages: [...request.messages] })
      if (callsTool && !request.messages.some(message => message.role === 'tool')) {
        yield { type: 'tool-call', call: { id: 'call-1', name: 'lookup', arguments: '{}' } }
        yield { type: 'finish', finishReason: 'tool_calls' }
        return
      }
      for (const text of chunks) yield { type: 'text-delta', text }
      yield { type: 'finish', finishReason: 'stop' }
    },
  }
}

/** The state the store holds when the first owner's log ends before the event `cut` finds. */
async function storedBefore(cut: (event: JobEvent) => boolean, callsTool = true) {
  const whole = startWorkflow(flow, {}, { tools: [lookup], model: scriptedModel(['The answer is', ' 42.'], callsTool) })
  await whole.done
  expect(whole.state().content).toBe('The answer is 42.\n\nQuoted: The answer is 42.')
  const index = whole.events.findIndex(cut)
  expect(index).toBeGreaterThan(0)
  return reduceEvents(createJobState({ id: 'job-1', type: 'workflow', createdAt: 0, status: 'running' }), whole.events.slice(0, index))
}

const secondText = (event: JobEvent) => event.type === 'text-delta' && event.text === ' 42.'

it('continues an agent node cut off mid-answer from its stored text: one answer, the whole of it its output', async () => {
  const model = scriptedModel([' 42, as lookup found.'])
  const resumed = startWorkflow(flow, {}, { tools: [lookup], model, resumedFrom: await storedBefore(secondText), continueLog: true })
  await resumed.done
  expect(resumed.error()).toBeUndefined()
  // Before: 'The answer is\n\nThe answer is 42, as lookup found.\n\nQuoted: The answer is 42, as lookup found.'
  expect(resumed.state().content).toBe('The answer is 42, as lookup found.\n\nQuoted: The answer is 42, as lookup found.')
  expect(resumed.state().nodeStates.research).toMatchObject({ status: 'completed', output: 'The answer is 42, as lookup found.' })
  // The chat's continuation: the stored tool round (not run again), then the answer so far.
  expect(model.requests).toHaveLength(1)
  expect(model.requests[0]!.messages.slice(2)).toEqual([
    { role: 'assistant', content: null, tool_calls: [{ id: 'call-1', type: 'function', function: { name: 'lookup', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 'call-1', name: 'lookup', content: '"found 42"' },
    { role: 'assistant', content: 'The answer is' },
  ])
  expect(resumed.state().toolCalls.filter(call => call.name === 'lookup')).toHaveLength(1)
})

it('runs an agent node cut off before it wrote any text as before, with no answer to go on from', async () => {
  const model = scriptedModel(['The answer is 42.'], false)
  const resumed = startWorkflow(flow, {}, { tools: [lookup], model, resumedFrom: await storedBefore(event => event.type === 'text-delta', false), continueLog: true })
  await resumed.done
  expect(resumed.error()).toBeUndefined()
  expect(resumed.state().content).toBe('The answer is 42.\n\nQuoted: The answer is 42.')
  expect(model.requests.map(request => request.messages.map(message => message.role))).toEqual([['system', 'user']])
})

it('asks the model nothing more for an agent node whose whole answer was stored, only its end not', async () => {
  const model = scriptedModel(['again'])
  const resumed = startWorkflow(flow, {}, { tools: [lookup], model, resumedFrom: await storedBefore(event => event.type === 'node-end' && event.nodeId === 'research'), continueLog: true })
  await resumed.done
  expect(resumed.error()).toBeUndefined()
  expect(model.requests).toHaveLength(0)
  expect(resumed.state().content).toBe('The answer is 42.\n\nQuoted: The answer is 42.')
  expect(resumed.state().nodeStates.research).toMatchObject({ status: 'completed', output: 'The answer is 42.' })
})

it('gives the model the error of a call the lost owner left running, ended once, and runs it no more', async () => {
  const model = scriptedModel(['No lookup answered.'])
  const resumed = startWorkflow(flow, {}, { tools: [lookup], model, resumedFrom: await storedBefore(event => event.type === 'tool-result'), continueLog: true })
  await resumed.done
  expect(resumed.error()).toBeUndefined()
  expect(resumed.events.filter(event => event.type === 'tool-result').map(event => event.type === 'tool-result' && event.status)).toEqual(['error'])
  expect(model.requests).toHaveLength(1)
  expect(model.requests[0]!.messages.slice(2).map(message => message.role)).toEqual(['assistant', 'tool'])
  expect(resumed.state().nodeStates.research).toMatchObject({ status: 'completed', output: 'No lookup answered.' })
})

const fanOut = defineWorkflow({
  name: 'fan',
  description: 'two agents side by side',
  input: z.object({}),
  nodes: {
    fan: { kind: 'parallel', branches: ['a', 'b'] },
    a: { kind: 'agent', instructions: 'A', prompt: 'Go' },
    b: { kind: 'agent', instructions: 'B', prompt: 'Go' },
    out: { kind: 'output', value: 'done' },
  },
  edges: [['fan', 'out']],
})

/** Answers with the agent's instructions (with `bAfterA`, b's after a's node has ended); `requests` keeps what it was sent. */
function namingModel(bAfterA = false): ModelClient & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = []
  let aStarted!: () => void
  // A task after a's request: every step of a's (microtasks, no timer) is done by then.
  const aEnded = new Promise<void>(resolve => (aStarted = resolve)).then(() => new Promise<void>(resolve => setTimeout(resolve, 0)))
  return {
    scripted: true,
    requests,
    async* stream(request): AsyncIterable<ModelEvent> {
      requests.push({ ...request, messages: [...request.messages] })
      if (request.messages[0]!.content === 'A') aStarted()
      else if (bAfterA) await aEnded
      yield { type: 'text-delta', text: `${String(request.messages[0]!.content)} says hi.` }
      yield { type: 'finish', finishReason: 'stop' }
    },
  }
}

it('goes on from a parallel node\'s agent\'s own held text, never another branch\'s text the job\'s content got since its round began', async () => {
  const whole = startWorkflow(fanOut, {}, { model: namingModel(true) })
  await whole.done
  expect(whole.state().content).toBe('A says hi.\n\nB says hi.\n\ndone')
  // b's round had begun when a's text was written; b's round did not end.
  const cut = whole.events.findIndex(event => event.type === 'step-end' && event.nodeId === 'b')
  const bStarted = whole.events.findIndex(event => event.type === 'step-start' && event.nodeId === 'b')
  const aWritten = whole.events.findIndex(event => event.type === 'text-delta' && event.nodeId === 'a')
  expect(bStarted).toBeLessThan(aWritten)
  expect(aWritten).toBeLessThan(cut)
  const resumedFrom = reduceEvents(createJobState({ id: 'job-1', type: 'workflow', createdAt: 0, status: 'running' }), whole.events.slice(0, cut))
  const model = namingModel()
  const resumed = startWorkflow(fanOut, {}, { model, resumedFrom, continueLog: true })
  await resumed.done
  expect(resumed.error()).toBeUndefined()
  // Not 'A says hi.' as the start of b's answer: b's own round stored nothing, so it is asked anew.
  expect(model.requests.map(request => request.messages.map(message => message.role))).toEqual([['system', 'user']])
  expect(resumed.state().content).toBe('A says hi.\n\nB says hi.\n\ndone')
})
