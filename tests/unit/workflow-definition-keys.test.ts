/**
 * A key a workflow definition or one of its nodes does not have is refused at boot, naming the
 * node, the key and the closest one: the runner ignored it, so `onTimeOut: 'default'` failed the
 * job when nobody answered, a tool node's `arguments` called the tool with `{}` and `startNode`
 * started at the first node — in a `.js` file, or a `.ts` one an app never type-checks
 * (`nuxt build` does not).
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { validateWorkflowDefinition } from '../../server/lib/workflows/validate'

const ask = { kind: 'input', prompt: 'Approve?', schema: z.object({ approved: z.boolean() }) }
const done = { kind: 'output', value: 'done' }

function definition(nodes: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { name: 'approve', description: 'd', input: z.object({}), nodes, edges: [['ask', 'done']], ...extra }
}

function problemOf(value: unknown, files?: string[]): string {
  try {
    createWorkflowRegistry([value], { files, toolNames: ['refund'] })
  }
  catch (error) {
    return (error as Error).message
  }
  throw new Error('expected the definition to be refused')
}

describe('a workflow definition\'s keys', () => {
  it('a misspelt onTimeout of an input node is refused, naming the file, the node and the key meant', () => {
    expect(problemOf(definition({ ask: { ...ask, onTimeOut: 'default', timeoutAnswer: { approved: false } }, done }), ['server/workflows/approve.js']))
      .toBe('Workflow "approve" in server/workflows/approve.js is invalid: input node "ask" has unknown key `onTimeOut` (did you mean `onTimeout`?); it takes kind, description, prompt, schema, timeoutMs, onTimeout, timeoutAnswer')
  })

  it('a tool node\'s arguments under another name is refused', () => {
    const nodes = { ask: { kind: 'tool', tool: 'refund', arguments: { id: 1 } }, done }
    expect(problemOf(definition(nodes))).toContain('tool node "ask" has unknown key `arguments`; it takes kind, description, tool, args, continueOnError')
  })

  it('a key of another kind of node is named for the kind it was put on', () => {
    expect(problemOf(definition({ ask: { kind: 'agent', instructions: 'x', schema: z.object({}) }, done })))
      .toContain('agent node "ask" has unknown key `schema`')
  })

  it('a misspelt key of the definition itself is refused', () => {
    expect(problemOf(definition({ ask, done }, { startNode: 'done' }))).toContain('the definition has unknown key `startNode`; it takes name, description, input, start, nodes, edges')
  })

  it('every documented key is accepted', () => {
    const nodes = {
      ask: { ...ask, description: 'asks', timeoutMs: 1000, onTimeout: 'default', timeoutAnswer: { approved: false } },
      done: { ...done, description: 'ends' },
    }
    expect(() => validateWorkflowDefinition(definition(nodes, { start: 'ask' }))).not.toThrow()
  })
})
