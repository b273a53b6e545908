/**
 * A workflow whose input schema turns a valid input into a value JSON cannot keep (a BigInt from
 * `z.coerce.bigint()`) refuses the job with a 400 naming the value and the schema. Before, the job
 * was created with the BigInt in its request: every answer that shows the job's input (`GET
 * /api/jobs`, `GET /api/jobs/:id`: `workflow.input`) could no longer be written as JSON, so one
 * such job broke the user's whole job list, and the job failed at the first node that read it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { InvalidRequestError } from '../../server/lib/errors'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine, USER } from '../support/workflow-engine'

const transfer = defineWorkflow({
  name: 'transfer',
  description: 'confirms an amount',
  input: z.object({ amount: z.coerce.bigint() }),
  nodes: {
    say: { kind: 'output', value: 'Transfer of {{input.amount}}' },
  },
  edges: [],
})

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('a workflow input its schema turns into a value JSON cannot keep', () => {
  it('is refused with a 400 naming the value; nothing is created, the job list stays readable', async () => {
    const { engine, start } = createWorkflowEngine([transfer])
    const created = start('transfer', { amount: '12' })
    await expect(created).rejects.toBeInstanceOf(InvalidRequestError)
    await expect(created).rejects.toThrow('Invalid workflow input: the workflow "transfer" input schema returned a value JSON cannot keep: a BigInt at input.amount (return it as a string or a number)')
    await vi.advanceTimersByTimeAsync(10)
    const jobs = await engine.listJobs(USER, {})
    expect(() => JSON.stringify(jobs)).not.toThrow()
    expect(jobs).toEqual([])
    await engine.dispose()
  })
})
