/**
 * A workflow node's own function (`choose`, a `value`/`args`/`prompt` function) that throws
 * something other than a plain Error — an Error whose `message` getter throws, an object without a
 * prototype, an object whose `code` getter throws — fails its node (named in the error and in
 * `failedNodeId`), never the engine.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine } from '../support/workflow-engine'

const thrownValues: Array<[string, () => unknown]> = [
  ['an Error whose message getter throws', () => Object.defineProperty(new Error('x'), 'message', { get() { throw new Error('message getter') } })],
  ['an object without a prototype', () => Object.create(null)],
  ['an object whose code getter throws', () => ({ get code() { throw new Error('code getter') } })],
]

describe('a node function that throws an odd value fails its node, not the engine', () => {
  it.each(thrownValues)('choose throws %s', async (_label, make) => {
    const workflow = defineWorkflow({
      name: 'w',
      description: 'd',
      input: z.object({}),
      nodes: { pick: { kind: 'branch', choose: () => { throw make() } }, x: { kind: 'output', value: 'x' }, y: { kind: 'output', value: 'y' } },
      edges: [['pick', 'x'], ['pick', 'y']],
    })
    const { engine, start, state } = createWorkflowEngine([workflow])
    const id = await start('w')
    await engine.whenSettled(id)
    const ended = await state(id)
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
    await engine.dispose()
    expect(ended.status).toBe('failed')
    expect(ended.error).toMatchObject({ failedDuring: 'workflow-node', nodeId: 'pick', message: expect.stringMatching(/^Node "pick" failed: /) })
    expect(ended.failedNodeId).toBe('pick')
    expect(ended.nodeStates.pick).toMatchObject({ status: 'failed', error: expect.stringMatching(/^Node "pick" failed: /) })
  })
})
