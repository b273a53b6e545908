/**
 * A node's function gets its own copy of the state. It used to get the live state, whose outputs
 * are the objects the `node-end` events record: a function that sorted an earlier output in place
 * rewrote that node's recorded output in the log and in later snapshots, and the nodes after it
 * read the changed value, where a run resumed from the stored log reads the recorded one.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

const inPlace = defineWorkflow({
  name: 'in-place',
  description: 'a later node changes an earlier output and the input in place',
  input: z.object({ tags: z.array(z.string()) }),
  nodes: {
    list: { kind: 'tool', tool: 'list', args: { items: ['b', 'a'] } },
    pick: {
      kind: 'branch',
      choose: (state) => {
        const { items } = state.outputs.list as { items: string[] }
        items.sort()
        items.push('changed')
        state.input.tags.push('changed')
        state.visits.list = 99
        return 'show'
      },
    },
    show: { kind: 'output', value: state => `${(state.outputs.list as { items: string[] }).items.join(',')} | ${state.input.tags.join(',')} | ${state.visits.list}` },
  },
  edges: [['list', 'pick'], ['pick', 'show']],
})

describe('a node function changing the state it is given', () => {
  it('changes neither the recorded output nor what later nodes read', async () => {
    const list = defineTool({ name: 'list', description: 'echoes its items', parameters: z.object({ items: z.array(z.string()) }), execute: args => ({ items: args.items }) })
    const run = startWorkflow(inPlace, { tags: ['x'] }, { tools: [list] })
    await run.done
    expect(run.error()).toBeUndefined()
    expect(run.state().nodeStates.list!.output).toEqual({ items: ['b', 'a'] })
    const recorded = run.events.find(event => event.type === 'node-end' && event.nodeId === 'list')
    expect(recorded).toMatchObject({ output: { items: ['b', 'a'] } })
    expect(run.state().content).toBe('b,a | x | 1')
  })
})
