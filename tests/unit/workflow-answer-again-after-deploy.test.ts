/**
 * The same answer sent again (the retry of a `503`, or of a response a deploy cut off) gets
 * `200 { ok: true, stored: true }`, also after the job ended (api.md). A workflow answer is stored
 * as the node's schema read it, so the retry is compared as the node reads it (answer-as-read.ts).
 * But after a deploy that changed the question's schema, the instance answering the retry read it
 * with the new schema: an answer whose extra key the old schema had dropped (a new form's field
 * sent to an old instance) was read with that key kept and answered `409 … belongs to a job that has
 * ended`, though the job had taken it. The retry is now read by the node here only when its answer
 * schema is the one the question was asked with; otherwise it is judged as for a node this server
 * does not have (keys left out of the stored answer are keys the schema dropped).
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

describe('a workflow answer sent again to the next version of the app', () => {
  it('is the answer taken when the new schema reads it otherwise; another answer is still a 409', async () => {
    const provider = createMemoryProvider()
    const before = instance(provider, review(z.object({ approved: z.boolean() })))
    const { job } = await before.createJob(USER, { request: { type: 'workflow', workflow: 'review', input: {} } })
    await vi.advanceTimersByTimeAsync(10)
    const requestId = (await before.getJob(USER, job.id)).state.pendingInputs[0]!.requestId
    // The new form sends `feedback`; the old schema drops it.
    const sent = { approved: true, feedback: 'nice' }
    await expect(before.answerInput(USER, job.id, { requestId, answer: sent })).resolves.toEqual({ stored: true })
    await before.whenSettled(job.id)
    expect((await before.getJob(USER, job.id)).state.answeredInputs[0]!.answer).toEqual({ approved: true })

    // The new version reads `feedback`.
    const after = instance(provider, review(z.object({ approved: z.boolean(), feedback: z.string().optional() })))
    await expect(after.answerInput(USER, job.id, { requestId, answer: sent })).resolves.toEqual({ stored: true })
    await expect(after.answerInput(USER, job.id, { requestId, answer: { approved: false } })).rejects.toMatchObject({ statusCode: 409 })
    await before.dispose()
    await after.dispose()
  })
})
