/**
 * A workflow started with no `input` in the body (`{ "workflow": "digest" }`) was refused with
 * `Invalid workflow input: (root): Invalid input: expected object, received undefined`: the body's
 * field is `input`, and "(root)" named nothing the client sent (api.md lists `input` as required).
 * The 400 now names `input` as required, and for a workflow that takes an object says what to send
 * when all its fields are optional. A schema that accepts a missing input (`.optional()`) still
 * starts without one.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine, USER } from '../support/workflow-engine'

const workflow = (name: string, input: z.ZodType) => defineWorkflow({ name, description: 'an input shape', input, nodes: { out: { kind: 'output', value: 'done' } }, edges: [] })

const { engine } = createWorkflowEngine([
  workflow('digest', z.object({ topic: z.string().optional() })),
  workflow('named', z.string()),
  workflow('anything', z.object({ topic: z.string() }).optional()),
])

function start(name: string, input?: unknown) {
  return engine.createJob(USER, { request: { type: 'workflow', workflow: name, input } })
}

describe('a workflow started without an input', () => {
  it('is a 400 naming `input`, with what to send for an object input', async () => {
    await expect(start('digest')).rejects.toMatchObject({
      statusCode: 400,
      message: 'Invalid workflow input: input: is required — the workflow "digest" takes an object (send "input": {} when none of its fields is needed)',
    })
  })

  it('is a 400 naming `input` and what the schema expected for another input', async () => {
    await expect(start('named')).rejects.toMatchObject({
      statusCode: 400,
      message: 'Invalid workflow input: input: is required — the workflow "named" input schema refuses a missing input (Invalid input: expected string, received undefined)',
    })
  })

  it('starts when the schema accepts a missing input, and a wrong input names `input` (workflow-wrong-input-names-input.test.ts)', async () => {
    const { created } = await start('anything')
    expect(created).toBe(true)
    await expect(start('digest', 'cats')).rejects.toThrow('Invalid workflow input: input: Invalid input: expected object, received string')
  })
})
