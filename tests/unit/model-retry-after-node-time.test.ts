/**
 * A workflow agent node's model round has the node's own time limit (`limits.nodeTimeoutMs`), not
 * only the job's: a `Retry-After` (or a doubling wait) the node's time left would cut short is not
 * waited out. The node fails at once with `upstream-rate-limited` (or the failure itself), not as
 * `node-timeout` at the end of the wait, which hid the rate limit.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineWorkflow } from '../../server/utils/define-workflow'
import type { FetchLike } from '../../server/lib/model/client'
import { createModelClientFromConfig } from '../../server/lib/model/create-model-client'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { createTestEngine } from '../support/engine-harness'
import { failingThenOk, rateLimited, unavailable as unavailableResponse } from '../support/model-round-run'

const flow = defineWorkflow({
  name: 'ask-model',
  description: 'one agent node',
  input: z.object({}),
  nodes: { write: { kind: 'agent', instructions: 'Write.', prompt: 'Hi' }, done: { kind: 'output', value: '{{outputs.write}}' } },
  edges: [['write', 'done']],
})

const unavailable = unavailableResponse('Service Unavailable')

/** A workflow job on the real client, with `nodeTimeoutMs` 10 s and the job's limit far away. */
async function startFlow(fetch: FetchLike, upstream: Record<string, number> = {}) {
  const { engine } = createTestEngine({
    config: { upstream: { apiKey: 'sk-test', ...upstream }, limits: { nodeTimeoutMs: 10_000, jobTimeoutMs: 600_000 } },
    createModelClient: (config, run) => createModelClientFromConfig(config, { ...run, fetch }),
    runners: { chat: async () => {}, workflow: runWorkflowJob },
    workflows: createWorkflowRegistry([flow], { toolNames: [] }),
  })
  const { job } = await engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask-model', input: {} } })
  let settled = false
  void engine.whenSettled(job.id).then(() => {
    settled = true
  })
  /** Moves up to `ms` of time in steps, stopping once the job settled. */
  const advance = async (ms: number) => {
    for (let step = 0; step < ms / 100 && !settled; step++) await vi.advanceTimersByTimeAsync(100)
  }
  return { engine, jobId: job.id, settled: () => settled, advance }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('an agent node whose endpoint asks to wait past the node\'s time limit', () => {
  it('fails at once with upstream-rate-limited naming nodeTimeoutMs, not node-timeout at the end of the wait', async () => {
    const upstream = failingThenOk(rateLimited(15))
    const { engine, jobId, settled, advance } = await startFlow(upstream.fetch)
    // Well before the node's limit (10 s) and the Retry-After (15 s).
    await advance(1_000)
    expect(settled()).toBe(true)
    const { state } = await engine.getJob('u1', jobId)
    expect(state.status).toBe('failed')
    expect(state.error).toMatchObject({ code: 'upstream-rate-limited', nodeId: 'write' })
    expect(state.error?.message).toMatch(/^The model endpoint asked to wait 15 s before trying again \(HTTP 429: Rate limit exceeded\), longer than the node has left before its time limit \(\d+(?:\.\d)? s, limits\.nodeTimeoutMs\): not retried$/)
    expect(upstream.calls()).toBe(1)
    await engine.dispose()
  })

  it('fails at once with the 503 when the doubling wait would outlast the node', async () => {
    const upstream = failingThenOk(unavailable)
    const { engine, jobId, settled, advance } = await startFlow(upstream.fetch, { retryBaseDelayMs: 15_000 })
    await advance(1_000)
    expect(settled()).toBe(true)
    const { state } = await engine.getJob('u1', jobId)
    expect(state.error).toMatchObject({ code: 'upstream-http', nodeId: 'write' })
    expect(state.error?.message).toMatch(/HTTP 503/)
    expect(upstream.calls()).toBe(1)
    await engine.dispose()
  })

  it('still waits out a Retry-After that fits in the node\'s time left', async () => {
    const upstream = failingThenOk(rateLimited(5))
    const { engine, jobId, advance } = await startFlow(upstream.fetch)
    await advance(6_000)
    await engine.whenSettled(jobId)
    const { state } = await engine.getJob('u1', jobId)
    expect(state.error).toBeNull()
    expect(state.status).toBe('completed')
    expect(upstream.calls()).toBe(2)
    await engine.dispose()
  })
})
