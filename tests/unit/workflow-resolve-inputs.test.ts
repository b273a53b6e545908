import { describe, expect, it } from 'vitest'
import { collectTemplatePaths, resolveInput, resolveTemplates, WorkflowReferenceError } from '../../server/lib/workflows/resolve-inputs'
import type { WorkflowState } from '../../server/lib/workflows/define'

const state: WorkflowState = {
  input: { topic: 'tides', count: 3 },
  outputs: { research: 'notes', pick: { title: 'T', tags: ['a'] } },
  visits: { research: 1 },
}

describe('resolving node inputs', () => {
  it('replaces templates inside text, and a whole template by the value itself', () => {
    expect(resolveTemplates('About {{ input.topic }}: {{outputs.research}}', state)).toBe('About tides: notes')
    expect(resolveTemplates('{{input.count}}', state)).toBe(3)
    expect(resolveTemplates('{{outputs.pick}}', state)).toEqual({ title: 'T', tags: ['a'] })
    expect(resolveTemplates('tags: {{outputs.pick.tags}}', state)).toBe('tags: [\n  "a"\n]')
  })

  it('resolves nested objects and arrays and leaves other values alone', () => {
    expect(resolveTemplates({ a: ['{{input.count}}', 'x {{visits.research}}'], b: 2, c: null }, state))
      .toEqual({ a: [3, 'x 1'], b: 2, c: null })
  })

  it('calls a function with the state', () => {
    expect(resolveInput((current: WorkflowState) => Object.keys(current.outputs), state)).toEqual(['research', 'pick'])
  })

  it('throws naming the path when a node has no output yet or a field is missing', () => {
    expect(() => resolveTemplates('{{outputs.draft}}', state)).toThrow(new WorkflowReferenceError('{{outputs.draft}}: node "draft" has no output yet'))
    expect(() => resolveTemplates('{{input.missing}}', state)).toThrow('{{input.missing}}: "missing" does not exist')
    expect(() => resolveTemplates('{{secrets.key}}', state)).toThrow(/must start with input, outputs, visits/)
  })

  it('collects the template paths of a value for boot-time checks', () => {
    expect(collectTemplatePaths({ a: '{{input.x}} and {{outputs.y.z}}', b: ['{{visits.q}}'] })).toEqual(['input.x', 'outputs.y.z', 'visits.q'])
  })
})
