/**
 * The demo's research-report when nobody answers, under the engine's default limits: the first
 * timeout sends the draft back once, the second ends the job with the rejection note, as the docs
 * say. Before, each approval waited `limits.inputTimeoutMs` (5 min), so the second one could only
 * expire after 10 min plus the agents' work, past `limits.jobTimeoutMs` (10 min, waits counted):
 * the job always ended `failed` (`timeout`) instead, with no note.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createEngine } from '../../server/lib/engine'
import { silentLogger } from '../../server/lib/logger'
import { createModelClientFromConfig } from '../../server/lib/model/create-model-client'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import researchReport from '../../demo/server/workflows/research-report'

const USER = 'user-1'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('demo research-report, nobody answers, default limits', () => {
  it('revises once, then ends with the rejection note within the job time limit', async () => {
    // The demo's own settings: the built-in scripted model at its default pace, every limit default.
    const config = resolveConfig({ scripted: { enabled: true } })
    const engine = createEngine({
      provider: createMemoryProvider(),
      getConfig: () => config,
      createModelClient: (current, run) => createModelClientFromConfig(current, { timers: run.timers }),
      runners: { chat: async () => {}, workflow: runWorkflowJob },
      tools: createToolRegistry([]),
      workflows: createWorkflowRegistry([researchReport]),
      logger: silentLogger,
    })
    const { job } = await engine.createJob(USER, { request: { type: 'workflow', workflow: 'research-report', input: { topic: 'tidal power' } } })
    const settled = engine.whenSettled(job.id)
    await vi.advanceTimersByTimeAsync(config.limits.jobTimeoutMs)
    await settled
    const { state } = await engine.getJob(USER, job.id)
    expect(state.error).toBeNull()
    expect(state.status).toBe('completed')
    expect(state.executionOrder.filter(nodeId => nodeId === 'draft')).toHaveLength(2)
    expect(state.content.endsWith('The report on “tidal power” was not approved: Nobody answered in time.')).toBe(true)
    await engine.dispose()
  })
})
