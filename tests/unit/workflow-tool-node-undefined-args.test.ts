/**
 * A tool node whose `args` function returns `undefined` — a block body without `return`
 * (`args: s => { ({ to: s.input.to }) }`), or a mapping that reads a field the state does not have —
 * hides a bug in the workflow. The tool used to be called with `{}`: a tool whose parameters all
 * have defaults then ran with them (a message sent to the default recipient), one with a required
 * field failed naming that field, never the node's mapping. It must fail the node, naming the node
 * and the tool, before the tool runs — as an output node whose value is `undefined` does. A node
 * with no `args` at all still calls its tool with `{}`. Args that resolve to `null` (a field the
 * state holds as null: a lookup that found nothing) were also read as `{}`, and fail the same way.
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

async function run(args?: (state: { input: Record<string, unknown> }) => unknown) {
  sent.length = 0
  const workflow = defineWorkflow({
    name: 'w',
    description: 'a tool node with mapped args',
    input: z.object({ recipient: z.string().optional() }),
    nodes: {
      send: { kind: 'tool', tool: 'notify', ...(args ? { args } : {}) },
      done: { kind: 'output', value: '{{outputs.send}}' },
    },
    edges: [['send', 'done']],
  })
  const { engine, start, state } = createWorkflowEngine([workflow], { tools: [notify] })
  const jobId = await start('w', {})
  await vi.advanceTimersByTimeAsync(10)
  await engine.whenSettled(jobId)
  const ended = await state(jobId)
  await engine.dispose()
  return ended
}

it('args that resolve to undefined fail the node naming the node and the tool; the tool never runs', async () => {
  const ended = await run(state => state.input.recipient)
  expect(ended.status).toBe('failed')
  expect(ended.error).toMatchObject({ code: 'node-failed', nodeId: 'send' })
  expect(ended.error?.message).toBe('Node "send" failed: its args for tool "notify" are undefined (does its args function return something? `s => { ({ … }) }` returns nothing, `s => ({ … })` returns the object); give it an object, or leave args out to call the tool with {}')
  expect(ended.toolCalls).toEqual([])
  expect(sent).toEqual([])
})

it('args that resolve to null (a field the state holds as null) fail the node the same way', async () => {
  const ended = await run(() => null)
  expect(ended.status).toBe('failed')
  expect(ended.error?.message).toBe('Node "send" failed: its args for tool "notify" are null; give it an object, or leave args out to call the tool with {}')
  expect(sent).toEqual([])
})

it('a node without args still calls its tool with {}', async () => {
  const ended = await run()
  expect(ended.status).toBe('completed')
  expect(sent).toEqual(['everyone'])
})
