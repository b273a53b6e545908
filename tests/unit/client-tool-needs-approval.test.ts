// `needsApproval` on a `runtime: 'client'` tool: the browser runs the tool (the AI SDK's `onToolCall`
// fires as the call arrives), so the job has no run to hold back and the key was silently ignored —
// the call went to the browser unasked. The registry refuses it at boot, naming the tool and the key.
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createToolRegistry, InvalidToolDefinitionError } from '../../server/lib/tools/registry'
import type { AnyToolDefinition } from '../../server/lib/tools/types'

const location = { name: 'get_location', description: 'Where the browser is', parameters: z.object({}), runtime: 'client' as const }

describe('needsApproval on a client tool', () => {
  it.each([
    ['true', { ...location, needsApproval: true }],
    ['a function of the arguments', { ...location, needsApproval: () => true }],
    // Its `execute` is never called (the browser answers), so asking before it would ask for nothing.
    ['true, with an unused execute', { ...location, needsApproval: true, execute: () => ({ lat: 0 }) }],
  ])('is refused at boot when %s, naming the tool, the key and what to do', (_label, definition) => {
    const boot = () => createToolRegistry([definition as unknown as AnyToolDefinition], { files: ['server/tools/get-location.ts'] })
    expect(boot).toThrow(InvalidToolDefinitionError)
    expect(boot).toThrow('Invalid tool "get_location" in server/tools/get-location.ts: `needsApproval` cannot be set on a `runtime: \'client\'` tool')
    expect(boot).toThrow(/Ask the user in the browser before addToolOutput .*, or make it a server tool with `execute`/)
  })

  it('is refused by register too', () => {
    const registry = createToolRegistry()
    expect(() => registry.register({ ...location, needsApproval: true } as unknown as AnyToolDefinition)).toThrow(/`needsApproval` cannot be set on a `runtime: 'client'` tool/)
    expect(registry.get('get_location')).toBeUndefined()
  })

  it('is taken as false (it asks for nothing), and on a server tool as before', () => {
    const registry = createToolRegistry([
      { ...location, needsApproval: false } as unknown as AnyToolDefinition,
      { name: 'delete_file', description: 'Deletes a file', parameters: z.object({ path: z.string() }), needsApproval: true, execute: () => 1 },
    ])
    expect(registry.list().map(tool => [tool.name, tool.needsApproval])).toEqual([['get_location', false], ['delete_file', true]])
  })
})
