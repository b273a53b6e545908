/**
 * A workflow node naming a tool that no tool file defines stops the boot with the fix: the closest
 * tool name for a typo, else the tools there are — and that a tool registered in code with
 * `register()` cannot be named (the check runs at boot, before any app plugin registers one). It
 * said only `names unknown tool "x"`, which read as wrong for a tool the app had registered.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'

function problemOf(nodes: Record<string, unknown>, toolNames: string[]): string {
  const definition = { name: 'triage', description: 'd', input: z.object({}), nodes: { ...nodes, done: { kind: 'output', value: 'x' } }, edges: [['step', 'done']] }
  try {
    createWorkflowRegistry([definition], { files: ['server/workflows/triage.ts'], toolNames })
  }
  catch (error) {
    return (error as Error).message
  }
  throw new Error('expected the definition to be refused')
}

describe('a workflow naming an unknown tool', () => {
  it('a typo in a tool node names the tool meant', () => {
    expect(problemOf({ step: { kind: 'tool', tool: 'get_wether' } }, ['get_weather', 'refund']))
      .toBe('Workflow "triage" in server/workflows/triage.ts is invalid: tool node "step" names unknown tool "get_wether" (did you mean "get_weather"?); a workflow may name the tools of server/tools files, not one registered in code with register(), which happens after this check')
  })

  it('an agent node naming a tool no file defines lists the tools there are', () => {
    expect(problemOf({ step: { kind: 'agent', instructions: 'x', tools: ['crm_lookup'] } }, ['get_weather', 'refund']))
      .toContain('agent node "step" names unknown tool "crm_lookup" (the tools of the tool files: get_weather, refund); a workflow may name the tools of server/tools files, not one registered in code with register()')
  })

  it('with no tool files, says so', () => {
    expect(problemOf({ step: { kind: 'tool', tool: 'crm_lookup' } }, [])).toContain('names unknown tool "crm_lookup" (no tool file defines one)')
  })
})
