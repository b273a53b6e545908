/**
 * A tool node that names a `runtime: 'client'` tool can never succeed: such a tool runs in the
 * user's browser, never in a job, so every run of the node failed (it now waits for a browser's
 * output no browser is showing) — found only once a job reached it, perhaps after a human had
 * answered its questions. The boot check knew the tool and let it through; it now refuses it,
 * naming the node and the tool, as it names an unknown tool. An agent node may still offer it.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'

const tools = createToolRegistry([
  defineTool({ name: 'pick_color', description: 'shows a colour picker in the browser', parameters: z.object({}), runtime: 'client', execute: async () => null }),
  defineTool({ name: 'save', description: 'saves', parameters: z.object({}), execute: async () => 'saved' }),
])
/** What the plugin gives the workflow registry (server/plugins/background-jobs.ts). */
const options = {
  toolNames: tools.list().map(tool => tool.name),
  clientToolNames: tools.list().filter(tool => tool.runtime === 'client').map(tool => tool.name),
  files: ['server/workflows/style.ts'],
}

const style = (node: Record<string, unknown>) => defineWorkflow({
  name: 'style',
  description: 'picks a colour',
  input: z.object({}),
  nodes: { pick: node as never, done: { kind: 'output', value: 'done' } },
  edges: [['pick', 'done']],
})

describe('a workflow node naming a client tool', () => {
  it('a tool node is refused at boot, naming the file, the node and the tool', () => {
    expect(() => createWorkflowRegistry([style({ kind: 'tool', tool: 'pick_color' })], options)).toThrow(
      'Workflow "style" in server/workflows/style.ts is invalid: tool node "pick" names "pick_color", a runtime: \'client\' tool: it runs in the user\'s browser, never in a job, so the node could only fail; call a server tool here',
    )
  })

  it('a tool node naming a server tool and an agent node offering the client tool are accepted', () => {
    expect(() => createWorkflowRegistry([style({ kind: 'tool', tool: 'save' })], options)).not.toThrow()
    expect(() => createWorkflowRegistry([style({ kind: 'agent', instructions: 'pick one', tools: ['pick_color'] })], options)).not.toThrow()
  })
})
