/**
 * A tool node whose `args` hold a value JSON cannot keep (a BigInt, a cycle, a Map) fails its node
 * naming the node and where the value is, before any event is written. Before, the `tool-call`
 * event could not be written and the node failed with JSON's own error (`Node "call" failed: Do
 * not know how to serialize a BigInt`), naming neither the args nor the field.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine } from '../support/workflow-engine'

beforeEach(() => { vi.useFakeTimers() })
afterEach(() => { vi.useRealTimers() })

let runs = 0
const count = defineTool({
  name: 'count',
  description: 'counts',
  parameters: z.object({ n: z.coerce.number(), extra: z.unknown().optional() }),
  execute: ({ n }) => {
    runs++
    return { n }
  },
})

function workflowWithArgs(args: () => unknown) {
  return defineWorkflow({
    name: 'w',
    description: 'a tool node with computed args',
    input: z.object({}),
    nodes: {
      call: { kind: 'tool', tool: 'count', args, continueOnError: true },
      done: { kind: 'output', value: '{{outputs.call}}' },
    },
    edges: [['call', 'done']],
  })
}

async function run(args: () => unknown) {
  runs = 0
  const { engine, start, state } = createWorkflowEngine([workflowWithArgs(args)], { tools: [count] })
  const jobId = await start('w')
  await vi.advanceTimersByTimeAsync(10)
  await engine.whenSettled(jobId)
  const ended = await state(jobId)
  await engine.dispose()
  return ended
}

describe('a tool node whose args JSON cannot keep', () => {
  it('fails its node naming the node and the BigInt', async () => {
    const ended = await run(() => ({ n: 5n }))
    expect(ended.status).toBe('failed')
    expect(ended.error).toMatchObject({ code: 'node-failed', nodeId: 'call' })
    expect(ended.error?.message).toBe('Node "call" failed: its args are not JSON-serialisable: a BigInt at args.n (return it as a string or a number)')
    expect(ended.nodeStates.call).toMatchObject({ status: 'failed' })
    expect(ended.toolCalls).toEqual([])
    expect(runs).toBe(0)
  })

  it('names a cycle where it is', async () => {
    const ended = await run(() => {
      const loop: Record<string, unknown> = {}
      loop.self = loop
      return { n: 1, extra: loop }
    })
    expect(ended.error?.message).toBe('Node "call" failed: its args are not JSON-serialisable: a cycle at args.extra.self (a value that contains itself)')
    expect(runs).toBe(0)
  })

  it('names a Map, which the log would record as {}', async () => {
    const ended = await run(() => ({ n: 1, extra: new Map([['a', 1]]) }))
    expect(ended.error?.message).toMatch(/^Node "call" failed: its args are not JSON-serialisable: a Map at args\.extra/)
    expect(runs).toBe(0)
  })

  it('still calls the tool with JSON-like args, a Date and a left-out function included', async () => {
    const ended = await run(() => ({ n: '3', extra: { on: new Date(0), skip: () => 1 } }))
    expect(ended.status).toBe('completed')
    expect(ended.toolCalls[0]).toMatchObject({ id: 'call-1', status: 'completed', args: { n: '3', extra: { on: '1970-01-01T00:00:00.000Z' } } })
    expect(runs).toBe(1)
  })
})
