/**
 * A tool node whose `args` are one template of an optional field the start left out
 * (`args: '{{input.filters}}'`, `filters` optional and not sent) failed the job the server had
 * accepted: the template read as nothing (undefined), and undefined args fail the node (a mapping
 * that returns nothing hides a bug). But a template of a left-out field reads as nothing everywhere
 * else — `''` in text, a field left out of an args object — so the author expects the tool called
 * with nothing given: `{}`, as for a node without args. A template naming a field that does not
 * exist, and an args function that returns undefined, still fail (workflow-tool-node-undefined-args.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine } from '../support/workflow-engine'

beforeEach(() => { vi.useFakeTimers() })
afterEach(() => { vi.useRealTimers() })

const calls: unknown[] = []
const search = defineTool({
  name: 'search',
  description: 'searches with optional filters',
  parameters: z.object({ tag: z.string().default('any'), limit: z.number().optional() }),
  execute: (args) => {
    calls.push(args)
    return { found: args.tag }
  },
})

const workflow = defineWorkflow({
  name: 'find',
  description: 'searches with the filters given',
  input: z.object({ filters: z.object({ tag: z.string(), limit: z.number().optional() }).optional() }),
  nodes: {
    ask: { kind: 'input', prompt: 'More?', schema: z.object({ more: z.object({ tag: z.string() }).optional() }) },
    first: { kind: 'tool', tool: 'search', args: '{{input.filters}}' },
    again: { kind: 'tool', tool: 'search', args: '{{ outputs.ask.more }}' },
    done: { kind: 'output', value: '{{outputs.first.found}} {{outputs.again.found}}' },
  },
  edges: [['ask', 'first'], ['first', 'again'], ['again', 'done']],
})

async function run(input: unknown, answer: unknown) {
  calls.length = 0
  const { engine, start, state, answer: reply } = createWorkflowEngine([workflow], { tools: [search] })
  const jobId = await start('find', input)
  await vi.advanceTimersByTimeAsync(10)
  await reply(jobId, 'ask', answer)
  await vi.advanceTimersByTimeAsync(10)
  await engine.whenSettled(jobId)
  const ended = await state(jobId)
  await engine.dispose()
  return ended
}

describe('a tool node whose args are one template of a left-out optional field', () => {
  it('calls its tool with {} (an input field or an answer field left out), as without args', async () => {
    const ended = await run({}, {})
    expect(ended.error).toBeNull()
    expect(ended.status).toBe('completed')
    expect(calls).toEqual([{ tag: 'any' }, { tag: 'any' }])
    expect(ended.toolCalls.map(call => call.args)).toEqual([{}, {}])
    expect(ended.content).toBe('any any')
  })

  it('calls it with the field when it was given', async () => {
    const ended = await run({ filters: { tag: 'tides', limit: 3 } }, { more: { tag: 'waves' } })
    expect(ended.status).toBe('completed')
    expect(calls).toEqual([{ tag: 'tides', limit: 3 }, { tag: 'waves' }])
  })
})
