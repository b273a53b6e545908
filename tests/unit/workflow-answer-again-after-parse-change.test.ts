/**
 * The same answer sent again (the retry of a `503`, or of a response a deploy cut off) is the
 * answer taken: `200 { stored: true }` (api.md). A workflow answer is stored as its schema returned
 * it, so the retry was compared by reading it again with the node's schema here. A deploy that
 * changed only how the schema reads an answer — a default, a trim, a coercion, none of which the
 * JSON Schema shows — read the same bytes into another value than the one stored, and the retry was
 * refused `409 … belongs to a job that has ended` though the job had taken it. The job now keeps a
 * digest of what was sent when its schema stored another value, and a retry of those bytes is the
 * answer taken whatever the schema here; another answer is still a 409.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { createEngine } from '../../server/lib/engine'
import { silentLogger } from '../../server/lib/logger'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import type { JobProvider } from '../../server/lib/providers/types'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { unusedModel } from '../support/engine-harness'

const USER = 'user-1'

const review = (schema: z.ZodType) => defineWorkflow({
  name: 'review',
  description: 'asks for an approval',
  input: z.object({}),
  nodes: { ask: { kind: 'input', prompt: 'Approve?', schema }, end: { kind: 'output', value: '{{outputs.ask}}' } },
  edges: [['ask', 'end']],
})

/** An instance of one version of the app on the shared store. */
function instance(provider: JobProvider, workflow: unknown) {
  return createEngine({
    provider,
    getConfig: () => resolveConfig({ scripted: { enabled: true } }),
    createModelClient: () => unusedModel,
    runners: { chat: async () => {}, workflow: runWorkflowJob },
    tools: createToolRegistry([]),
    workflows: createWorkflowRegistry([workflow]),
    logger: silentLogger,
  })
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** Answers with v1, then sends the same answer again (and another one) to v2 on the same store. */
async function sentAgain(v1: z.ZodType, v2: z.ZodType, sent: unknown, other: unknown) {
  const provider = createMemoryProvider()
  const before = instance(provider, review(v1))
  const { job } = await before.createJob(USER, { request: { type: 'workflow', workflow: 'review', input: {} } })
  await vi.advanceTimersByTimeAsync(10)
  const requestId = (await before.getJob(USER, job.id)).state.pendingInputs[0]!.requestId
  await expect(before.answerInput(USER, job.id, { requestId, answer: sent })).resolves.toEqual({ stored: true })
  await before.whenSettled(job.id)
  const after = instance(provider, review(v2))
  const again = await after.answerInput(USER, job.id, { requestId, answer: sent }).catch((error: unknown) => error)
  const another = await after.answerInput(USER, job.id, { requestId, answer: other }).catch((error: unknown) => error)
  await before.dispose()
  await after.dispose()
  return { again, another }
}

describe('a workflow answer sent again after a deploy changed only how its schema reads it', () => {
  it('a trim removed: the retry is the answer taken', async () => {
    const { again, another } = await sentAgain(z.object({ note: z.string().trim() }), z.object({ note: z.string() }), { note: ' ok ' }, { note: 'no' })
    expect(again).toEqual({ stored: true })
    expect(another).toMatchObject({ statusCode: 409 })
  })

  it('a default changed: the retry is the answer taken', async () => {
    const { again, another } = await sentAgain(
      z.object({ approved: z.boolean(), level: z.number().default(1) }),
      z.object({ approved: z.boolean(), level: z.number().default(2) }),
      { approved: true },
      { approved: false },
    )
    expect(again).toEqual({ stored: true })
    expect(another).toMatchObject({ statusCode: 409 })
  })

  it('a coercion removed: the retry is the answer taken', async () => {
    const { again, another } = await sentAgain(
      z.object({ count: z.coerce.number() }),
      z.object({ count: z.number() }),
      { count: '5' },
      { count: '6' },
    )
    expect(again).toEqual({ stored: true })
    expect(another).toMatchObject({ statusCode: 409 })
  })
})
