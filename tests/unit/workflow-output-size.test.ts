/**
 * A node output too large for one stored event fails the node, naming its size and the limit.
 * Before, the store kept the `node-end` event shortened (its output replaced by a `[truncated: …]`
 * notice) while the live run went on with the whole value: a run resumed from the log on another
 * instance then fed the notice to the later nodes instead of the output.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { MAX_NODE_END_BYTES, checkRecordedSize } from '../../server/lib/workflows/recorded-output'
import { createWorkflowEngine } from '../support/workflow-engine'

const STORE_LIMIT = 8_192

const fetchPage = defineTool({
  name: 'fetch_page',
  description: 'returns a page of the given size',
  parameters: z.object({ chars: z.number() }),
  execute: ({ chars }) => 'x'.repeat(chars),
})

function fetchThenSay(chars: number) {
  return defineWorkflow({
    name: 'fetch-then-say',
    description: 'fetches a page, then says how long it was',
    input: z.object({}),
    nodes: {
      fetch: { kind: 'tool', tool: 'fetch_page', args: { chars } },
      say: { kind: 'output', value: state => `read ${String(state.outputs.fetch).length} characters` },
    },
    edges: [['fetch', 'say']],
  })
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('node output size', () => {
  it('an output larger than the store keeps in one event fails its node, naming the size and the limit; nothing is stored shortened', async () => {
    const { engine, start, state } = createWorkflowEngine([fetchThenSay(20_000)], { tools: [fetchPage], maxBatchBytes: STORE_LIMIT })
    const jobId = await start('fetch-then-say')
    await vi.advanceTimersByTimeAsync(10)
    await engine.whenSettled(jobId)
    const ended = await state(jobId)
    expect(ended.status).toBe('failed')
    expect(ended.error).toMatchObject({ code: 'node-output-too-large' })
    expect(ended.error?.message).toMatch(/^Node "fetch" failed: its output is \d+ bytes as JSON, more than the job's log keeps in one event \(8192 bytes\)/)
    expect(ended.nodeStates.fetch).toMatchObject({ status: 'failed' })
    expect(ended.nodeStates.say).toBeUndefined()
    expect(JSON.stringify(ended.nodeStates)).not.toContain('[truncated:')
    await engine.dispose()
  })

  it('an output that fits is recorded whole and read by the next node', async () => {
    const { engine, start, state } = createWorkflowEngine([fetchThenSay(4_000)], { tools: [fetchPage], maxBatchBytes: STORE_LIMIT })
    const jobId = await start('fetch-then-say')
    await vi.advanceTimersByTimeAsync(10)
    await engine.whenSettled(jobId)
    const ended = await state(jobId)
    expect(ended.status).toBe('completed')
    expect(ended.nodeStates.fetch?.output).toBe('x'.repeat(4_000))
    expect(ended.content).toBe('read 4000 characters')
    await engine.dispose()
  })

  it('with no store limit (memory), the same 4 MiB bound applies as on Redis and Convex', () => {
    expect(() => checkRecordedSize('big', 'x'.repeat(MAX_NODE_END_BYTES))).toThrow(/^its output is \d+ bytes as JSON, more than the job's log keeps in one event \(4194304 bytes\)/)
    expect(() => checkRecordedSize('small', 'x'.repeat(1_000))).not.toThrow()
  })
})
