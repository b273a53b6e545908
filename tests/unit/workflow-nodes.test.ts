import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { JobFailure } from '../../server/lib/run-context'
import type { AnyToolDefinition } from '../../server/lib/tools/types'
import { defineTool } from '../../server/utils/define-tool'
import type { WorkflowState } from '../../server/lib/workflows/define'
import type { ModelClient } from '../../server/lib/model/types'
import { createWorkflowFakeModel, startWorkflow } from '../support/workflow-fake-context'

type Edges = Array<[string, string]>

const add = defineTool({
  name: 'add',
  description: 'adds two numbers',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a + b,
})
const broken = defineTool({
  name: 'broken',
  description: 'always fails',
  parameters: z.object({}),
  execute: () => {
    throw new Error('disk on fire')
  },
})

function workflow(nodes: Record<string, unknown>, edges: Edges, input: z.ZodType = z.object({ n: z.number() })) {
  return { name: 'test-flow', description: 't', input, nodes, edges }
}

/** A tool whose calls wait until the test opens their gate, so concurrency is observable. */
function gatedTool(name: string) {
  const gates: Array<() => void> = []
  const tool = defineTool({
    name,
    description: 'waits for the test',
    parameters: z.object({}),
    execute: () => new Promise<string>(resolve => gates.push(() => resolve(`${name} done`))),
  })
  return { tool, open: () => gates.shift()?.(), waiting: () => gates.length }
}

/** Lets pending promise callbacks and immediate callbacks run (nothing here waits on a delay). */
async function settle(rounds = 5) {
  for (let index = 0; index < rounds; index++) await new Promise(resolve => setImmediate(resolve))
}

describe('workflow nodes', () => {
  it('two agents in a row: one blank line between their texts, not two', async () => {
    const job = startWorkflow(workflow({
      first: { kind: 'agent', instructions: 'Be brief.', prompt: 'One', model: 'fake/small' },
      second: { kind: 'agent', instructions: 'Be brief.', prompt: 'Two', model: 'fake/small' },
      done: { kind: 'output', value: 'End' },
    }, [['first', 'second'], ['second', 'done']]), { n: 1 })
    await job.done
    expect(job.error()).toBeUndefined()
    expect(job.state().content).toBe('[fake/small] One\n\n[fake/small] Two\n\nEnd')
  })

  it('agent: runs the executor loop with its instructions and model; text is tagged with the node', async () => {
    const job = startWorkflow(workflow({
      think: { kind: 'agent', instructions: 'Be brief.', prompt: 'Think about {{input.n}}', model: 'fake/small' },
      done: { kind: 'output', value: 'Result: {{outputs.think}}' },
    }, [['think', 'done']]), { n: 7 })
    await job.done
    expect(job.error()).toBeUndefined()
    const state = job.state()
    expect(state.nodeStates.think!.output).toBe('[fake/small] Think about 7')
    expect(state.content).toBe('[fake/small] Think about 7\n\nResult: [fake/small] Think about 7')
    const textEvents = job.events.filter(event => event.type === 'text-delta')
    expect(textEvents.slice(0, 2).every(event => event.nodeId === 'think')).toBe(true)
    expect(textEvents.at(-1)!.nodeId).toBe('done')
    expect(state.steps[0]).toMatchObject({ nodeId: 'think', ended: true })
  })

  it('agent: instructions and a prompt that are one template of a number are sent as text', async () => {
    const job = startWorkflow(workflow({
      think: { kind: 'agent', instructions: '{{input.n}}', prompt: '{{input.n}}', model: 'fake/small' },
      done: { kind: 'output', value: 'ok' },
    }, [['think', 'done']]), { n: 7 })
    await job.done
    expect(job.error()).toBeUndefined()
    expect(job.state().nodeStates.think!.output).toBe('[fake/small] 7')
  })

  it('agent: offers only its own tools and records their calls under the node', async () => {
    const model = createWorkflowFakeModel()
    const job = startWorkflow(workflow({
      calc: { kind: 'agent', instructions: 'x', prompt: 'please call add', tools: ['add'] },
      done: { kind: 'output', value: 'ok' },
    }, [['calc', 'done']]), { n: 1 }, { tools: [add, broken], model })
    await job.done
    expect(model.requests.map(request => request.tools?.map(tool => tool.function.name))).toEqual([['add'], ['add']])
    const state = job.state()
    expect(state.toolCalls).toEqual([expect.objectContaining({ name: 'add', nodeId: 'calc' })])
    expect(state.nodeStates.calc!.output).toMatch(/tools said/)
  })

  it('tool: maps arguments from the input and earlier outputs; the result is the output', async () => {
    const job = startWorkflow(workflow({
      first: { kind: 'tool', tool: 'add', args: { a: '{{input.n}}', b: 2 } },
      second: { kind: 'tool', tool: 'add', args: (state: WorkflowState) => ({ a: state.outputs.first, b: 10 }) },
      done: { kind: 'output', value: 'Sum: {{outputs.second}}' },
    }, [['first', 'second'], ['second', 'done']]), { n: 3 }, { tools: [add] })
    await job.done
    const state = job.state()
    expect(state.toolCalls.map(call => [call.nodeId, call.args, call.result])).toEqual([['first', { a: 3, b: 2 }, 5], ['second', { a: 5, b: 10 }, 15]])
    expect(state.content).toBe('Sum: 15')
  })

  it('tool: an error result fails the job naming the node and tool, unless continueOnError', async () => {
    const failing = startWorkflow(workflow({
      oops: { kind: 'tool', tool: 'broken' },
      done: { kind: 'output', value: 'never' },
    }, [['oops', 'done']]), { n: 1 }, { tools: [broken] })
    await failing.done
    expect(failing.error()).toBeInstanceOf(JobFailure)
    expect(failing.error()).toMatchObject({ code: 'tool-error', details: { nodeId: 'oops', toolName: 'broken', failedDuring: 'workflow-node' } })
    expect(failing.state().failedNodeId).toBe('oops')
    expect(failing.nodeLog()).toEqual(['start:oops', 'failed:oops'])

    const tolerant = startWorkflow(workflow({
      oops: { kind: 'tool', tool: 'broken', continueOnError: true },
      done: { kind: 'output', value: '{{outputs.oops.status}}' },
    }, [['oops', 'done']]), { n: 1 }, { tools: [broken] })
    await tolerant.done
    expect(tolerant.error()).toBeUndefined()
    expect(tolerant.state().content).toBe('error')
  })

  it.each([
    ['a Map', () => new Map([['a', 1]]), /^Node "done" failed: its output is not JSON-serialisable: a Map at output/],
    ['a nested BigInt', () => ({ count: 10n }), /^Node "done" failed: its output is not JSON-serialisable: a BigInt at output\.count/],
    ['nothing (a value function without return)', () => undefined, /^Node "done" failed: its value is undefined \(does its value function return something\?\)/],
  ])('output: %s fails the node with a message naming the problem', async (_label, value, message) => {
    const job = startWorkflow(workflow({ done: { kind: 'output', value } }, []), { n: 1 })
    await job.done
    expect(job.error()).toBeInstanceOf(JobFailure)
    expect((job.error() as Error).message).toMatch(message)
    expect(job.state().failedNodeId).toBe('done')
  })

  it('a node\'s output is kept as the log keeps it: the next node reads a Date as its text, live as after a resume', async () => {
    let seen: unknown
    const job = startWorkflow(workflow({
      when: { kind: 'output', value: () => ({ at: new Date(0) }) },
      pick: { kind: 'branch', choose: (state: WorkflowState) => { seen = (state.outputs.when as { at: unknown }).at; return 'done' } },
      done: { kind: 'output', value: 'ok' },
    }, [['when', 'pick'], ['pick', 'done']]), { n: 1 })
    await job.done
    expect(job.error()).toBeUndefined()
    expect(seen).toBe('1970-01-01T00:00:00.000Z')
    expect(job.state().nodeStates.when!.output).toEqual({ at: '1970-01-01T00:00:00.000Z' })
  })

  it('branch: the predicate picks the next node', async () => {
    const definition = workflow({
      size: { kind: 'branch', choose: (state: WorkflowState<{ n: number }>) => (state.input.n > 10 ? 'big' : 'small') },
      big: { kind: 'output', value: 'big' },
      small: { kind: 'output', value: 'small' },
    }, [['size', 'big'], ['size', 'small']])
    const big = startWorkflow(definition, { n: 11 })
    const small = startWorkflow(definition, { n: 2 })
    await Promise.all([big.done, small.done])
    expect(big.state().executionOrder).toEqual(['size', 'big'])
    expect(small.state().executionOrder).toEqual(['size', 'small'])
    expect(big.state().nodeStates.size!.output).toBe('big')
  })

  it('branch: loops until its exit condition, and refuses a target that is not an edge', async () => {
    const loop = startWorkflow(workflow({
      step: { kind: 'tool', tool: 'add', args: { a: 1, b: 1 } },
      again: { kind: 'branch', choose: (state: WorkflowState) => ((state.visits.step ?? 0) < 3 ? 'step' : 'done') },
      done: { kind: 'output', value: 'looped {{visits.step}} times' },
    }, [['step', 'again'], ['again', 'step'], ['again', 'done']]), { n: 0 }, { tools: [add] })
    await loop.done
    expect(loop.state().executionOrder).toEqual(['step', 'again', 'step', 'again', 'step', 'again', 'done'])
    expect(loop.state().content).toBe('looped 3 times')

    const wrong = startWorkflow(workflow({
      pick: { kind: 'branch', choose: () => 'elsewhere' },
      done: { kind: 'output', value: 'x' },
    }, [['pick', 'done']]), { n: 0 })
    await wrong.done
    expect((wrong.error() as Error).message).toBe('Node "pick" failed: branch chose "elsewhere", which is not one of its edge targets (done)')
  })

  it('two agent nodes whose model sends calls without ids: every call keeps its own id and result in the job', async () => {
    // Models that send no id get `call_<step>_<index>`: the same for the first call of each node.
    const model: ModelClient = {
      scripted: true,
      async* stream(request) {
        const toolMessages = request.messages.filter(message => message.role === 'tool')
        if (request.tools?.length && !toolMessages.length) {
          const prompt = request.messages.at(-1)!.content
          yield { type: 'tool-call', call: { id: '', name: 'add', arguments: prompt === 'first' ? '{"a":1,"b":1}' : '{"a":2,"b":2}' } }
          yield { type: 'finish', finishReason: 'tool_calls' }
          return
        }
        yield { type: 'text-delta', text: `sum ${toolMessages.at(-1)?.content}` }
        yield { type: 'finish', finishReason: 'stop' }
      },
    }
    const job = startWorkflow(workflow({
      one: { kind: 'agent', instructions: 'Add.', prompt: 'first', tools: ['add'] },
      two: { kind: 'agent', instructions: 'Add.', prompt: 'second', tools: ['add'] },
      done: { kind: 'output', value: '{{outputs.one}} / {{outputs.two}}' },
    }, [['one', 'two'], ['two', 'done']]), { n: 0 }, { tools: [add], model })
    await job.done
    expect(job.error()).toBeUndefined()
    const calls = job.state().toolCalls.map(call => ({ id: call.id, nodeId: call.nodeId, result: call.result }))
    expect(calls).toEqual([
      { id: 'call_1_0', nodeId: 'one', result: 2 },
      { id: 'call_1_0_1_0', nodeId: 'two', result: 4 },
    ])
    expect(job.state().content).toBe('sum 2\n\nsum 4\n\nsum 2 / sum 4')
  })

  it('an async node function fails its node saying so, instead of sending "{}" on as a prompt or a choice', async () => {
    const model = createWorkflowFakeModel()
    const prompt = startWorkflow(workflow({
      ask: { kind: 'agent', instructions: 'Be brief.', prompt: async (state: WorkflowState) => `Topic ${String(state.input)}` },
      done: { kind: 'output', value: 'x' },
    }, [['ask', 'done']]), { n: 1 }, { model })
    await prompt.done
    expect((prompt.error() as Error).message).toBe('Node "ask" failed: a function of the state returned a Promise (an async function?); it must return its value directly — do async work in a tool node and read its output from state.outputs')
    expect(model.requests).toEqual([])

    const choice = startWorkflow(workflow({
      pick: { kind: 'branch', choose: async () => 'done' },
      done: { kind: 'output', value: 'x' },
    }, [['pick', 'done']]), { n: 0 })
    await choice.done
    expect((choice.error() as Error).message).toBe('Node "pick" failed: choose(state) returned a Promise (an async function?); it must return its value directly — do async work in a tool node and read its output from state.outputs')
  })

  it('parallel: runs branches at the same time and joins when all have finished', async () => {
    const slow = gatedTool('slow')
    const fast = gatedTool('fast')
    const job = startWorkflow(workflow({
      fan: { kind: 'parallel', branches: ['a', ['b', 'c']] },
      a: { kind: 'tool', tool: 'slow' },
      b: { kind: 'tool', tool: 'fast' },
      c: { kind: 'tool', tool: 'add', args: { a: 1, b: 2 } },
      join: { kind: 'output', value: (state: WorkflowState) => state.outputs.fan },
    }, [['fan', 'join']]), { n: 0 }, { tools: [slow.tool, fast.tool, add] })
    await settle()
    expect(slow.waiting()).toBe(1)
    expect(fast.waiting()).toBe(1)
    expect(job.nodeLog()).toEqual(['start:fan', 'start:a', 'start:b'])
    fast.open()
    await settle()
    expect(job.nodeLog()).toEqual(['start:fan', 'start:a', 'start:b', 'completed:b', 'start:c', 'completed:c'])
    expect(job.state().nodeStates.fan!.status).toBe('running')
    slow.open()
    await job.done
    expect(job.error()).toBeUndefined()
    expect(job.state().nodeStates.fan!.output).toEqual({ a: 'slow done', c: 3 })
    expect(JSON.parse(job.state().content)).toEqual({ a: 'slow done', c: 3 })
    expect(job.nodeLog().slice(-4)).toEqual(['completed:a', 'completed:fan', 'start:join', 'completed:join'])
  })

  it('parallel: one failing branch cancels the others and fails the job naming that branch', async () => {
    const slow = gatedTool('slow')
    const job = startWorkflow(workflow({
      fan: { kind: 'parallel', branches: ['a', 'b'] },
      a: { kind: 'tool', tool: 'slow' },
      b: { kind: 'tool', tool: 'broken' },
      join: { kind: 'output', value: 'never' },
    }, [['fan', 'join']]), { n: 0 }, { tools: [slow.tool, broken] })
    await job.done
    expect(job.error()).toMatchObject({ code: 'tool-error', details: { nodeId: 'b' } })
    expect(job.nodeLog()).toEqual(['start:fan', 'start:a', 'start:b', 'failed:b', 'skipped:a', 'failed:fan'])
  })

  it('parallel: agents in a fan-out write their text as one block each', async () => {
    const job = startWorkflow(workflow({
      fan: { kind: 'parallel', branches: ['one', 'two'] },
      one: { kind: 'agent', instructions: 'x', prompt: 'first voice' },
      two: { kind: 'agent', instructions: 'x', prompt: 'second voice' },
      join: { kind: 'output', value: 'joined' },
    }, [['fan', 'join']]), { n: 0 })
    await job.done
    const content = job.state().content
    expect(content).toContain('[fake/model] first voice')
    expect(content).toContain('[fake/model] second voice')
    expect(content.endsWith('\n\njoined')).toBe(true)
  })

  it('output: a non-string value is written as JSON and is the node output', async () => {
    const job = startWorkflow(workflow({
      done: { kind: 'output', value: { n: '{{input.n}}', label: 'n is {{input.n}}' } },
    }, []), { n: 4 })
    await job.done
    expect(job.state().nodeStates.done!.output).toEqual({ n: 4, label: 'n is 4' })
    expect(JSON.parse(job.state().content)).toEqual({ n: 4, label: 'n is 4' })
    expect(job.events.filter(event => event.type === 'node-start')).toEqual([expect.objectContaining({ nodeId: 'done', kind: 'output' })])
  })
})
