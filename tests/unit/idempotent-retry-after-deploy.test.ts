/**
 * Rolling deploy: a client starts a workflow job with an `Idempotency-Key`, the instance stops
 * before its answer reaches the client (a deploy cuts the response), and the client retries the
 * same body against an instance of the new version. api.md promises the same job on retry. Before,
 * the new version checked the body as a new creation first, so a workflow renamed or removed, an
 * input schema narrowed, or a chat tool removed in the deploy answered the retry `400` (`Unknown
 * workflow "review"`): the client was told nothing started while its job existed (and the user
 * started it again). The key is now looked up first; without a job for it the 400 stands, counted
 * as any refused creation.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { createEngine } from '../../server/lib/engine'
import type { CreateJobInput } from '../../server/lib/engine-types'
import { InvalidRequestError } from '../../server/lib/errors'
import { silentLogger } from '../../server/lib/logger'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import type { JobProvider } from '../../server/lib/providers/types'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { unusedModel } from '../support/engine-harness'

const USER = 'user-1'

const lookUp = defineTool({ name: 'look_up', description: 'looks up', parameters: z.object({}), execute: () => 'found' })

const review = (input: z.ZodType) => defineWorkflow({
  name: 'review',
  description: 'asks for a review',
  input,
  nodes: { ask: { kind: 'input', prompt: 'OK?', schema: z.object({ ok: z.boolean() }) }, out: { kind: 'output', value: 'done' } },
  edges: [['ask', 'out']],
})
const renamed = defineWorkflow({ ...review(z.object({ topic: z.string() })), name: 'review-v2' })

/** An instance of one version of the app on the shared store. */
function instance(provider: JobProvider, workflows: unknown[], tools = [lookUp], createPerMinute = 60) {
  return createEngine({
    provider,
    getConfig: () => resolveConfig({ scripted: { enabled: true }, limits: { createPerMinute } }),
    createModelClient: () => unusedModel,
    runners: { chat: async () => {}, workflow: runWorkflowJob },
    tools: createToolRegistry(tools),
    workflows: createWorkflowRegistry(workflows, { toolNames: tools.map(tool => tool.name) }),
    logger: silentLogger,
  })
}

const workflowJob = (idempotencyKey?: string): CreateJobInput => ({ request: { type: 'workflow', workflow: 'review', input: { topic: 'cats' } }, limitRate: true, requestFingerprint: 'fp', ...(idempotencyKey ? { idempotencyKey } : {}) })
const chatJob = (idempotencyKey: string): CreateJobInput => ({ request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }], tools: ['look_up'] }, limitRate: true, requestFingerprint: 'fp-chat', idempotencyKey })

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('an Idempotency-Key retry answered by the next version of the app', () => {
  const changes: Array<[string, unknown[], CreateJobInput]> = [
    ['the workflow renamed', [renamed], workflowJob('k')],
    ['the workflow removed', [], workflowJob('k')],
    ['its input schema narrowed', [review(z.object({ topic: z.string(), depth: z.number() }))], workflowJob('k')],
  ]
  it.each(changes)('gets its job back with %s', async (_case, next, input) => {
    const provider = createMemoryProvider()
    const before = instance(provider, [review(z.object({ topic: z.string() }))])
    const first = await before.createJob(USER, input)
    expect(first.created).toBe(true)

    const after = instance(provider, next)
    const retry = await after.createJob(USER, input).catch((error: unknown) => error)
    expect(retry).toEqual({ job: expect.objectContaining({ id: first.job.id }), created: false })
    await before.dispose()
    await after.dispose()
  })

  it('gets a chat job back when a tool it chose was removed', async () => {
    const provider = createMemoryProvider()
    const before = instance(provider, [])
    const first = await before.createJob(USER, chatJob('c'))
    const after = instance(provider, [], [])
    const retry = await after.createJob(USER, chatJob('c')).catch((error: unknown) => error)
    expect(retry).toEqual({ job: expect.objectContaining({ id: first.job.id }), created: false })
    await before.dispose()
    await after.dispose()
  })

  it('still refuses a new key (400) and counts it as a refused creation', async () => {
    const provider = createMemoryProvider()
    const after = instance(provider, [renamed], [lookUp], 1)
    const refused = await after.createJob(USER, workflowJob('new-key')).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(InvalidRequestError)
    expect((refused as Error).message).toMatch(/Unknown workflow "review"; this server has: "review-v2"/)
    expect(await after.listJobs(USER)).toEqual([])
    // limits.createPerMinute 1: the refused creation took the minute's one (refused-creations.ts).
    await expect(after.createJob(USER, { request: { type: 'workflow', workflow: 'review-v2', input: { topic: 'x' } }, limitRate: true })).rejects.toThrow(/createPerMinute/)
    await after.dispose()
  })
})
