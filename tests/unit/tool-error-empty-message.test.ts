/**
 * A tool (or a workflow node's function) that throws an error with no message — `throw new
 * Error()`, a library's `new TypeError()`, `throw ''` — must still tell the model and the log
 * something after "failed:", in-process and across the isolation boundary alike.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { runAgentLoop } from '../../server/lib/executor/agent-loop'
import { ToolExecutionError } from '../../server/lib/executor/tool-errors'
import { deserializeError, serializeError } from '../../server/lib/isolation/protocol'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel, textStep, toolStep } from '../support/step-model'
import { createWorkflowEngine } from '../support/workflow-engine'

async function toolError(thrown: () => unknown) {
  const tool = defineTool({ name: 'lookup', description: 'Looks up', parameters: z.object({}), execute: () => { throw thrown() } })
  const model = createStepModel([toolStep([{ id: 'c1', name: 'lookup' }]), textStep('ok')])
  // Every thrown message shown: the test reads what the model is told of one.
  const fake = createFakeRunContext({ model, tools: [tool], config: { tools: { errorMessages: 'all' } } })
  await runAgentLoop(fake.context, { messages: [{ role: 'user', content: 'go' }] })
  return fake.state().toolCalls[0]!.error
}

describe('a thrown error with no message', () => {
  it('in-process: the model reads what was thrown, not "failed: " and nothing', async () => {
    expect(await toolError(() => new Error())).toBe('Tool "lookup" failed: it threw an Error with no message')
    expect(await toolError(() => new TypeError())).toBe('Tool "lookup" failed: it threw a TypeError with no message')
    expect(await toolError(() => Object.assign(new Error(''), { code: 'ECONNRESET' }))).toBe('Tool "lookup" failed: it threw an Error with no message (code ECONNRESET)')
    expect(await toolError(() => '')).toBe('Tool "lookup" failed: it threw an empty string')
    expect(await toolError(() => ({ message: '  ' }))).toBe('Tool "lookup" failed: it threw a value with no message')
  })

  it('an isolated tool: the error that crossed the boundary reads the same', () => {
    const crossed = deserializeError(serializeError(new RangeError()))
    expect(new ToolExecutionError('lookup', crossed).message).toBe('Tool "lookup" failed: it threw a RangeError with no message')
  })

  it('a workflow node\'s function: the node\'s failure says so too', async () => {
    const workflow = defineWorkflow({
      name: 'w',
      description: 'd',
      input: z.object({}),
      nodes: { pick: { kind: 'branch', choose: () => { throw new Error() } }, x: { kind: 'output', value: 'x' }, y: { kind: 'output', value: 'y' } },
      edges: [['pick', 'x'], ['pick', 'y']],
    })
    const { engine, start, state } = createWorkflowEngine([workflow])
    const id = await start('w')
    await engine.whenSettled(id)
    const ended = await state(id)
    await engine.dispose()
    expect(ended.error?.message).toBe('Node "pick" failed: it threw an Error with no message')
  })
})
