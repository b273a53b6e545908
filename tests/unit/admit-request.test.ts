import { describe, expect, it } from 'vitest'
import { admitRequest } from '../../server/lib/admit-request'
import { resolveConfig } from '../../server/lib/config'
import type { RegisteredWorkflow } from '../../server/lib/workflows/types'

const config = resolveConfig({ scripted: { enabled: true } })

function registry(names: string[]) {
  const workflows = names.map(name => ({ name }) as RegisteredWorkflow)
  return { get: (name: string) => workflows.find(workflow => workflow.name === name), list: () => workflows }
}

describe('admitRequest', () => {
  it('an unknown workflow is a 400 that lists the workflows the server has', () => {
    const request = { type: 'workflow' as const, workflow: 'nope', input: {} }
    expect(() => admitRequest(request, config, registry(['research-report', 'brainstorm']))).toThrow('Unknown workflow "nope"; this server has: "research-report", "brainstorm"')
    expect(() => admitRequest(request, config, registry([]))).toThrow('Unknown workflow "nope"; this server has: none')
    const many = Array.from({ length: 25 }, (_, index) => `w${index}`)
    expect(() => admitRequest(request, config, registry(many))).toThrow(/"w19" and 5 more$/)
  })
})
