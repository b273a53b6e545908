/**
 * A definition file that default-exports a list of definitions (or a tool file a Promise of one)
 * is told so, naming the file and the fix: it was refused as a definition with no `name`, which
 * read as wrong for a list whose every tool has one.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createToolRegistry } from '../../server/lib/tools/registry'
import type { AnyToolDefinition } from '../../server/lib/tools/types'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'

const tool = { name: 'lookup', description: 'Looks up', parameters: z.object({}), execute: () => 'found' }
const workflow = { name: 'done', description: 'd', input: z.object({}), nodes: { end: { kind: 'output', value: 'x' } }, edges: [] }

describe('a definition file that exports more than one definition', () => {
  it('a tool file exporting a list is told to use one file per tool', () => {
    const tools = [[tool, { ...tool, name: 'refund' }]] as unknown as AnyToolDefinition[]
    expect(() => createToolRegistry(tools, { files: ['server/tools/all.ts'] })).toThrow(
      'Invalid tool in server/tools/all.ts: a tool file default-exports one tool, got a list of 2: put each defineTool({ … }) in a file of its own in server/tools/',
    )
  })

  it('a tool file exporting a Promise is told to export the definition', () => {
    const tools = [Promise.resolve(tool)] as unknown as AnyToolDefinition[]
    expect(() => createToolRegistry(tools, { files: ['server/tools/lookup.ts'] })).toThrow(
      'Invalid tool in server/tools/lookup.ts: a tool file default-exports the definition, got a Promise',
    )
  })

  it('a workflow file exporting a list is told to use one file per workflow', () => {
    expect(() => createWorkflowRegistry([[workflow]], { files: ['server/workflows/all.ts'] })).toThrow(
      'Workflow "(unnamed)" in server/workflows/all.ts is invalid: a workflow file default-exports one workflow, got a list of 1: put each defineWorkflow({ … }) in a file of its own in server/workflows/',
    )
  })
})
