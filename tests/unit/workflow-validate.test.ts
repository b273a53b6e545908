import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { z as z3 } from 'zod/v3'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { validateWorkflowDefinition, WorkflowDefinitionError } from '../../server/lib/workflows/validate'
import { findCycles } from '../../server/lib/workflows/find-cycles'
import parallelBrainstorm from '../../demo/server/workflows/parallel-brainstorm'
import researchReport from '../../demo/server/workflows/research-report'

const agent = { kind: 'agent', instructions: 'x' } as const
const output = { kind: 'output', value: 'done' } as const

function workflow(nodes: Record<string, unknown>, edges: Array<[string, string]>, extra: Record<string, unknown> = {}) {
  return { name: 'demo', description: 'd', input: z.object({ topic: z.string() }), nodes, edges, ...extra }
}

function problemOf(definition: unknown, options = {}): string {
  try {
    validateWorkflowDefinition(definition, options)
  }
  catch (error) {
    expect(error).toBeInstanceOf(WorkflowDefinitionError)
    return (error as Error).message
  }
  throw new Error('expected the definition to be refused')
}

describe('workflow definition validation', () => {
  it('accepts the demo workflows and builds their graphs', () => {
    const registry = createWorkflowRegistry([researchReport, parallelBrainstorm])
    expect(registry.list().map(workflow => workflow.name)).toEqual(['research-report', 'parallel-brainstorm'])
    const { graph } = validateWorkflowDefinition(researchReport)
    expect(graph.start).toBe('research')
    expect(graph.successors.get('review')).toEqual(['final', 'draft', 'rejected'])
    expect(graph.answerSchemas.get('approval')!.read()).toMatchObject({ type: 'object', properties: { approved: { type: 'boolean' } } })
  })

  it('names the workflow and an unknown node in an edge', () => {
    expect(problemOf(workflow({ a: agent, end: output }, [['a', 'ghost']])))
      .toBe('Workflow "demo" is invalid: edge a → ghost names unknown node "ghost"')
  })

  it('refuses a node without an outgoing edge unless it is an output node', () => {
    expect(problemOf(workflow({ a: agent, b: agent, end: output }, [['a', 'end']])))
      .toMatch(/missing edge: node "b" has no outgoing edge; only an output node may end a workflow/)
  })

  it('refuses an unreachable node', () => {
    expect(problemOf(workflow({ a: agent, end: output, orphan: output }, [['a', 'end']])))
      .toMatch(/node "orphan" is unreachable from the start node "a"/)
  })

  it('refuses a cycle without an exit and accepts one whose branch leaves it', () => {
    expect(problemOf(workflow({ a: agent, b: agent, end: output }, [['a', 'b'], ['b', 'a']])))
      .toMatch(/cycle a → b → a has no exit/)
    const looping = workflow({
      a: agent,
      check: { kind: 'branch', choose: () => 'end' },
      end: output,
    }, [['a', 'check'], ['check', 'a'], ['check', 'end']])
    expect(() => validateWorkflowDefinition(looping)).not.toThrow()
    const trapped = workflow({
      a: agent,
      check: { kind: 'branch', choose: () => 'a' },
      b: agent,
      end: output,
    }, [['a', 'check'], ['check', 'a'], ['check', 'b'], ['b', 'a']])
    expect(problemOf(trapped)).toMatch(/has no exit; a loop needs a branch node with an edge out of it/)
  })

  it('refuses several outgoing edges on a node that is not a branch', () => {
    expect(problemOf(workflow({ a: agent, x: output, y: output }, [['a', 'x'], ['a', 'y']])))
      .toMatch(/node "a" has 2 outgoing edges \(x, y\); only a branch node may choose/)
  })

  it('checks node fields, kinds, templates and tool names', () => {
    expect(problemOf(workflow({ a: { kind: 'magic' } }, []))).toMatch(/node "a" has unknown kind "magic"/)
    expect(problemOf(workflow({ a: { kind: 'input', prompt: 'p', schema: {} }, end: output }, [['a', 'end']])))
      .toMatch(/input node "a" needs a zod schema/)
    expect(problemOf(workflow({ a: { kind: 'agent', instructions: 'Use {{outputs.nope}}' }, end: output }, [['a', 'end']])))
      .toMatch(/node "a" uses \{\{outputs.nope\}\}, which names unknown node "nope"/)
    expect(problemOf(workflow({ a: { kind: 'tool', tool: 'missing' }, end: output }, [['a', 'end']]), { toolNames: ['calculate'] }))
      .toMatch(/tool node "a" names unknown tool "missing"/)
  })

  it('refuses a timeout answer that does not fit the input schema', () => {
    const ask = { kind: 'input', prompt: 'ok?', schema: z.object({ approved: z.boolean() }), onTimeout: 'approve' }
    expect(problemOf(workflow({ ask, end: output }, [['ask', 'end']])))
      .toMatch(/input node "ask" has onTimeout "approve" but its timeout answer "approve" does not fit its schema \(answer: Invalid input: expected object, received string\)$/)
  })

  // A node with `timeoutAnswer` and no `onTimeout` (it defaults to `fail`) failed its job on
  // expiry (`input-timeout`) instead of going on with the answer its author wrote for it.
  // An onTimeout written out as `fail` or `abort` says what the node does (an app may choose it per
  // environment): that is only warned about at boot (workflow-wait-past-job-limit.test.ts).
  it('refuses a timeout answer that the default onTimeout never uses', () => {
    const ask = (extra: Record<string, unknown>) => workflow({ ask: { kind: 'input', prompt: 'ok?', schema: z.object({ approved: z.boolean() }), timeoutAnswer: { approved: false }, ...extra }, end: output }, [['ask', 'end']])
    expect(problemOf(ask({})))
      .toBe('Workflow "demo" is invalid: input node "ask" has a timeoutAnswer, which onTimeout "fail" (the default) never uses: set onTimeout: \'default\' to go on with it when nobody answers, or remove it')
    for (const onTimeout of ['default', 'approve', 'deny', 'fail', 'abort']) expect(() => validateWorkflowDefinition(ask({ onTimeout }))).not.toThrow()
  })

  it('refuses an input node\'s unknown onTimeout and a timeoutMs a timer cannot keep', () => {
    const ask = (extra: Record<string, unknown>) => workflow({ ask: { kind: 'input', prompt: 'ok?', schema: z.string(), ...extra }, end: output }, [['ask', 'end']])
    expect(problemOf(ask({ onTimeout: 'skip' })))
      .toBe('Workflow "demo" is invalid: input node "ask" has onTimeout "skip" (expected one of fail, abort, default, approve, deny)')
    for (const timeoutMs of [0, -5, 1.5, 'soon', Number.POSITIVE_INFINITY, 30 * 24 * 3_600_000]) {
      expect(problemOf(ask({ timeoutMs }))).toMatch(/input node "ask" has timeoutMs .*; it must be a whole number of milliseconds above 0 and at most 2147483647/)
    }
    expect(() => validateWorkflowDefinition(ask({ timeoutMs: 2_147_483_647, onTimeout: 'abort' }))).not.toThrow()
  })

  it('refuses an agent\'s maxSteps below 1 and tools that are not a list of names', () => {
    expect(problemOf(workflow({ a: { ...agent, maxSteps: 0 }, end: output }, [['a', 'end']])))
      .toMatch(/agent node "a" has maxSteps 0; it must be a whole number above 0/)
    expect(problemOf(workflow({ a: { ...agent, tools: 'add' }, end: output }, [['a', 'end']])))
      .toMatch(/agent node "a" has tools that are not a list of tool names/)
  })

  it('checks parallel branches', () => {
    expect(problemOf(workflow({ p: { kind: 'parallel', branches: ['x'] }, end: output }, [['p', 'end']])))
      .toMatch(/parallel node "p" names unknown node "x"/)
    expect(problemOf(workflow({ p: { kind: 'parallel', branches: ['a'] }, a: agent, end: output }, [['p', 'end'], ['a', 'end']])))
      .toMatch(/edge a → end touches "a", which is a branch of parallel node "p"/)
  })

  it('names what is wrong with a start node that cannot start the walk', () => {
    expect(problemOf(workflow({ a: agent, end: output }, [['a', 'end']], { start: 'ghost' })))
      .toBe('Workflow "demo" is invalid: start "ghost" names no node of this workflow (its nodes: a, end)')
    expect(problemOf(workflow({ p: { kind: 'parallel', branches: ['a'] }, a: agent, end: output }, [['p', 'end']], { start: 'a' })))
      .toBe('Workflow "demo" is invalid: start "a" is a branch of parallel node "p"; start at "p" instead')
  })

  it('names a node listed twice in one parallel node as such (not as a branch of two parallel nodes)', () => {
    expect(problemOf(workflow({ p: { kind: 'parallel', branches: ['a', 'a'] }, a: agent, end: output }, [['p', 'end']])))
      .toBe('Workflow "demo" is invalid: parallel node "p" lists "a" twice; a node runs in one branch, once')
    expect(problemOf(workflow({ p: { kind: 'parallel', branches: [['a', 'b', 'a']] }, a: agent, b: agent, end: output }, [['p', 'end']])))
      .toBe('Workflow "demo" is invalid: parallel node "p" lists "a" twice; a node runs in one branch, once')
    expect(problemOf(workflow({ p: { kind: 'parallel', branches: ['a'] }, q: { kind: 'parallel', branches: ['a'] }, a: agent, end: output }, [['p', 'q'], ['q', 'end']])))
      .toBe('Workflow "demo" is invalid: node "a" is a branch of both "p" and "q"')
  })

  it('refuses a definition that is not one, naming what is missing', () => {
    expect(problemOf(null)).toMatch(/Workflow "\(unnamed\)" is invalid: the definition is not an object/)
    expect(problemOf({ name: 'x', description: 'd', input: {}, nodes: {}, edges: [] })).toBe('Workflow "x" is invalid: `input` must be a zod schema, such as z.object({ topic: z.string() })')
  })

  it('a zod 3 or JSON Schema input or answer schema is named as such (as for tool parameters), not only "must be a zod schema"', () => {
    // An app whose own `zod` is version 3: its schemas are zod schemas, just not zod 4 ones.
    expect(problemOf(workflow({ end: output }, [], { input: z3.object({ topic: z3.string() }) })))
      .toMatch(/^Workflow "demo" is invalid: `input` is a zod 3 schema \(from `zod\/v3` or zod@3\): the layer needs zod 4, `import \{ z \} from 'zod'` with zod ≥ 4$/)
    expect(problemOf(workflow({ end: output }, [], { input: { type: 'object', properties: { topic: { type: 'string' } } } })))
      .toMatch(/`input` looks like a JSON Schema: write it as a zod schema/)
    expect(problemOf(workflow({ a: { kind: 'input', prompt: 'p', schema: z3.object({ approved: z3.boolean() }) }, end: output }, [['a', 'end']])))
      .toMatch(/input node "a" needs a zod schema for its answer: `schema` is a zod 3 schema .*the layer needs zod 4/)
  })

  it('a tool definition in server/workflows/ is named as one, not "`input` must be a zod schema"', () => {
    expect(problemOf({ name: 'get_weather', description: 'd', parameters: z.object({ city: z.string() }), execute: () => null }))
      .toBe('Workflow "get_weather" is invalid: this is a tool definition (it has parameters and execute): tool files go in server/tools/, default-exporting defineTool')
  })

  it('names the file of a bad definition, and both files of two workflows with one name', () => {
    expect(() => createWorkflowRegistry([workflow({ a: agent }, [['a', 'ghost']])], { files: ['server/workflows/demo.ts'] }))
      .toThrow(/^Workflow "demo" in server\/workflows\/demo\.ts is invalid: edge a → ghost names unknown node "ghost"/)
    const skipped: Array<[string, unknown]> = []
    const registry = createWorkflowRegistry([workflow({ end: output }, []), workflow({ end: output }, [], { description: 'second' })], {
      files: ['server/workflows/a.ts', 'server/workflows/b.ts'],
      onSkipped: (name, files) => skipped.push([name, files]),
    })
    expect(registry.list()).toHaveLength(1)
    expect(skipped).toEqual([['demo', { skipped: 'server/workflows/b.ts', kept: 'server/workflows/a.ts' }]])
  })

  it('parses job input naming the field, and lets the first of two same-named workflows win', () => {
    const first = workflow({ end: output }, [], { description: 'first' })
    const registry = createWorkflowRegistry([first, workflow({ end: output }, [], { description: 'second' })])
    expect(registry.get('demo')!.description).toBe('first')
    expect(() => registry.get('demo')!.parseInput({ topic: 3 })).toThrow(/topic: /)
    expect(registry.get('demo')!.parseInput({ topic: 'ok' })).toEqual({ topic: 'ok' })
  })
})

describe('findCycles', () => {
  it('finds self-loops and larger cycles but not a plain chain', () => {
    expect(findCycles(new Map([['a', ['b']], ['b', ['c']], ['c', []]]))).toEqual([])
    expect(findCycles(new Map([['a', ['a']]]))).toEqual([['a']])
    expect(findCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a', 'd']], ['d', []]]))[0]!.sort()).toEqual(['a', 'b', 'c'])
  })
})
