import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { z as z3 } from 'zod/v3'
import * as zm from 'zod/mini'
import { createToolRegistry, DuplicateToolError, InvalidToolDefinitionError } from '../../server/lib/tools/registry'
import type { AnyToolDefinition } from '../../server/lib/tools/types'
import { defineTool } from '../../server/utils/define-tool'
import calculate from '../../demo/server/tools/calculate'
import deleteFile from '../../demo/server/tools/delete-file'
import getCurrentTime from '../../demo/server/tools/get-current-time'
import slowTask from '../../demo/server/tools/slow-task'

const echo = defineTool({
  name: 'echo',
  description: 'Echoes its text',
  parameters: z.object({ text: z.string().describe('What to echo'), times: z.number().int().default(1) }),
  execute: ({ text, times }) => text.repeat(times),
})

describe('createToolRegistry', () => {
  it('keeps tools in registration order and finds them by name', () => {
    const registry = createToolRegistry([echo, calculate])
    expect(registry.list().map(tool => tool.name)).toEqual(['echo', 'calculate'])
    expect(registry.get('calculate')).toBe(calculate)
    expect(registry.get('missing')).toBeUndefined()
  })

  it('builds chat-completions tool specs with JSON Schema from zod (input side, no $schema)', () => {
    const [spec] = createToolRegistry([echo]).toModelTools(['echo'])
    expect(spec).toEqual({
      type: 'function',
      function: {
        name: 'echo',
        description: 'Echoes its text',
        parameters: {
          type: 'object',
          properties: {
            text: { type: 'string', description: 'What to echo' },
            times: { type: 'integer', default: 1, minimum: expect.any(Number), maximum: expect.any(Number) },
          },
          required: ['text'],
        },
      },
    })
  })

  it('offers only the names asked for, in that order', () => {
    const registry = createToolRegistry([echo, calculate, getCurrentTime])
    expect(registry.toModelTools(['get_current_time', 'echo']).map(tool => tool.function.name)).toEqual(['get_current_time', 'echo'])
    expect(() => registry.toModelTools(['nope'])).toThrow(/"nope" is not registered/)
  })

  it('refuses a duplicate name with a clear error, from the list and from register()', () => {
    expect(() => createToolRegistry([echo, { ...echo }])).toThrow(DuplicateToolError)
    const registry = createToolRegistry([echo])
    expect(() => registry.register({ ...echo, description: 'other' })).toThrow(/"echo" is already registered/)
  })

  it('lets the first definition win when asked to (an app file shadowing a layer file)', () => {
    const appEcho = { ...echo, description: 'The app echo' }
    const skipped: string[] = []
    const registry = createToolRegistry([appEcho, echo], { onDuplicate: 'keep-first', onSkipped: name => skipped.push(name) })
    expect(registry.get('echo')?.description).toBe('The app echo')
    expect(registry.list()).toHaveLength(1)
    // Never dropped unseen: the plugin turns this into a boot warning.
    expect(skipped).toEqual(['echo'])
  })

  it('names the file of a bad definition, when it knows it', () => {
    expect(() => createToolRegistry([echo, { ...echo, name: 'second', execute: undefined }] as unknown as AnyToolDefinition[], { files: ['server/tools/echo.ts', 'server/tools/second.ts'] }))
      .toThrow('Invalid tool "second" in server/tools/second.ts: `execute` is required: the job runs the tool on the server. A tool the browser answers (an AI SDK tool without `execute`, answered with addToolOutput) is `runtime: \'client\'` here — offered to the model, its calls make the job wait for the output the browser posts (docs/ai-sdk.md, "Client-side tools")')
    expect(() => createToolRegistry([{ description: 'd' }] as unknown as AnyToolDefinition[], { files: ['server/tools/nameless.ts'] }))
      .toThrow('Invalid tool in server/tools/nameless.ts: a `name` is required')
  })

  it('names both files of two tools with one name', () => {
    const skipped: Array<[string, unknown]> = []
    createToolRegistry([echo, { ...echo }], { onDuplicate: 'keep-first', files: ['server/tools/a.ts', 'server/tools/b.ts'], onSkipped: (name, files) => skipped.push([name, files]) })
    expect(skipped).toEqual([['echo', { skipped: 'server/tools/b.ts', kept: 'server/tools/a.ts' }]])
    expect(() => createToolRegistry([echo, { ...echo }], { files: ['server/tools/a.ts', 'server/tools/b.ts'] })).toThrow('A tool named "echo" is already registered (server/tools/b.ts and server/tools/a.ts)')
  })

  it('takes a zod/mini object schema (zod 4 all the same)', () => {
    const registry = createToolRegistry([{ ...echo, name: 'mini', parameters: zm.object({ city: zm.string() }) }])
    expect(registry.toModelTools(['mini'])[0]!.function.parameters).toMatchObject({ type: 'object', properties: { city: { type: 'string' } } })
  })

  it.each([
    ['a bad name', { ...echo, name: 'has space' }, /name must be/],
    ['no description', { ...echo, description: ' ' }, /description is required/],
    ['parameters that are not zod', { ...echo, parameters: 'city' }, /must be a zod schema/],
    ['a JSON Schema as parameters', { ...echo, parameters: { type: 'object', properties: {} } }, /looks like a JSON Schema: write it as a zod schema/],
    ['a zod 3 schema', { ...echo, parameters: z3.object({ city: z3.string() }) }, /is a zod 3 schema .*the layer needs zod 4/],
    ['no name', { ...echo, name: undefined }, /^Invalid tool: a `name` is required/],
    ['a non-object schema', { ...echo, parameters: z.string() }, /must be an object schema/],
    ['no execute', { ...echo, execute: undefined }, /`execute` is required: .*`runtime: 'client'` here/],
    ['an execute that is not a function', { ...echo, execute: 'echo' }, /`execute` must be a function/],
    ['a bad timeout', { ...echo, timeoutMs: -5 }, /timeoutMs/],
    // Longer than a Node.js timer holds: it would fire at once and end every call `timeout`.
    ['a timeout past the longest timer', { ...echo, timeoutMs: Number.MAX_SAFE_INTEGER }, /`timeoutMs` must be at most 2147483647 ms/],
    ['a bad runtime', { ...echo, runtime: 'edge' }, /runtime/],
    ['a file without a default export', undefined, /default-export defineTool/],
    // A workflow file put in server/tools/ by mistake: said, not "`parameters` must be a zod schema".
    ['a workflow definition', { name: 'research-report', description: 'd', input: z.object({}), nodes: { end: { kind: 'output', value: 1 } }, edges: [] }, /is a workflow definition \(it has nodes and edges\): workflow files go in server\/workflows\//],
  ])('refuses %s', (_label, definition, message) => {
    expect(() => createToolRegistry([definition as unknown as AnyToolDefinition])).toThrow(InvalidToolDefinitionError)
    expect(() => createToolRegistry([definition as unknown as AnyToolDefinition])).toThrow(message)
  })

  it('registers every demo tool', () => {
    const registry = createToolRegistry([getCurrentTime, calculate, slowTask, deleteFile])
    expect(registry.toModelTools(['get_current_time', 'calculate', 'slow_task', 'delete_file']).map(tool => tool.function.parameters.type))
      .toEqual(['object', 'object', 'object', 'object'])
  })
})

describe('defineTool', () => {
  it('returns the definition unchanged', () => {
    const definition = { name: 'x', description: 'x', parameters: z.object({}), execute: () => 1 }
    expect(defineTool(definition)).toBe(definition)
  })
})
