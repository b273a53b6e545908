/**
 * A branch whose `choose` returns a value that is no node id fails naming that value. Before, a
 * value JSON.stringify throws on (a BigInt, a cycle) failed the node with JSON's own error
 * (`Node "pick" failed: Do not know how to serialize a BigInt`), saying nothing of the choice, and a
 * Symbol read as `branch chose undefined`.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

function choosing(value: () => unknown) {
  return defineWorkflow({
    name: 'choosing',
    description: 'a branch that returns something other than a node id',
    input: z.object({}),
    nodes: {
      pick: { kind: 'branch', choose: value as () => string },
      done: { kind: 'output', value: 'done' },
    },
    edges: [['pick', 'done']],
  })
}

async function failureOf(value: () => unknown) {
  const job = startWorkflow(choosing(value), {})
  await job.done
  return (job.error() as Error).message
}

describe('a branch that chooses no node id', () => {
  it('names the value it chose', async () => {
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    expect(await failureOf(() => 10n)).toBe('Node "pick" failed: branch chose 10n (a bigint), which is not one of its edge targets (done)')
    expect(await failureOf(() => cycle)).toBe('Node "pick" failed: branch chose an object, which is not one of its edge targets (done)')
    expect(await failureOf(() => Symbol('done'))).toBe('Node "pick" failed: branch chose Symbol(done) (a symbol), which is not one of its edge targets (done)')
    expect(await failureOf(() => undefined)).toBe('Node "pick" failed: branch chose undefined, which is not one of its edge targets (done)')
    expect(await failureOf(() => ['done'])).toBe('Node "pick" failed: branch chose ["done"], which is not one of its edge targets (done)')
  })
})
