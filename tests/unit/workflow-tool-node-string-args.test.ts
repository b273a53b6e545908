/**
 * A tool node's `args` given as a string are read as JSON text, as a model's arguments are (an
 * agent node's JSON answer passed on with `'{{outputs.extract}}'`): the tool gets the parsed value,
 * which is what its `tool-call` event records. An empty (or blank) string — an agent node that
 * answered nothing, an input field left empty — used to be read as `{}`, so a tool whose
 * parameters all have defaults ran on them and the job completed: it fails the node naming the
 * tool, as args that resolve to `undefined` or `null` do.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine } from '../support/workflow-engine'

beforeEach(() => { vi.useFakeTimers() })
afterEach(() => { vi.useRealTimers() })

const sent: string[] = []
const notify = defineTool({
  name: 'notify',
  description: 'sends a note',
  parameters: z.object({ to: z.string().default('everyone') }),
  execute: ({ to }) => {
    sent.push(to)
    return { sent: to }
  },
})

/** Runs a workflow whose tool node takes its args from the input's `payload` text. */
async function run(payload: string) {
  sent.length = 0
  const workflow = defineWorkflow({
    name: 'w',
    description: 'a tool node with args from text',
    input: z.object({ payload: z.string() }),
    nodes: {
      send: { kind: 'tool', tool: 'notify', args: '{{input.payload}}' },
      done: { kind: 'output', value: '{{outputs.send}}' },
    },
    edges: [['send', 'done']],
  })
  const { engine, start, state } = createWorkflowEngine([workflow], { tools: [notify] })
  const jobId = await start('w', { payload })
  await vi.advanceTimersByTimeAsync(10)
  await engine.whenSettled(jobId)
  const ended = await state(jobId)
  await engine.dispose()
  return ended
}

it.each(['', '  \n'])('args that resolve to an empty string (%j) fail the node naming the tool; the tool never runs', async (payload) => {
  const ended = await run(payload)
  expect(sent).toEqual([])
  expect(ended.status).toBe('failed')
  expect(ended.error).toMatchObject({ code: 'node-failed', nodeId: 'send' })
  expect(ended.error?.message).toBe('Node "send" failed: its args for tool "notify" are an empty string (a string is read as JSON text, as a model\'s arguments are); give it an object, or leave args out to call the tool with {}')
  expect(ended.toolCalls).toEqual([])
})

it('JSON text is read as the arguments: the tool gets the object its tool-call event records', async () => {
  const ended = await run('{"to":"ops"}')
  expect(ended.status).toBe('completed')
  expect(sent).toEqual(['ops'])
  expect(ended.toolCalls[0]).toMatchObject({ name: 'notify', args: { to: 'ops' }, status: 'completed' })
})

it('text that is not JSON ends the call as invalid arguments (the tool never ran), and the node fails', async () => {
  const ended = await run('ops')
  expect(sent).toEqual([])
  expect(ended.status).toBe('failed')
  expect(ended.toolCalls[0]).toMatchObject({ name: 'notify', args: 'ops', status: 'error', error: expect.stringMatching(/^Invalid arguments for tool "notify": arguments are not valid JSON/) })
})
