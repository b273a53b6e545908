/**
 * A new answer replacing a running one at `maxConcurrentJobsPerUser` (an AI SDK regenerate or edit):
 * the running one is ended to make room and the new job starts — no 429, so no refused job counted.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useMetrics } from '../../server/lib/metrics'
import { startReplacingTurn } from '../../server/lib/ai-sdk/replaced-answers'
import type { JobsRouteContext } from '../../server/lib/http/handler'
import { chatRequest, createTestEngine } from '../support/engine-harness'

vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

describe('a regenerate at maxConcurrentJobsPerUser', () => {
  beforeEach(() => useMetrics().reset())
  afterEach(() => useMetrics().reset())

  it('answers with the new job and counts no refusal', async () => {
    const { engine, config } = createTestEngine({
      config: { limits: { maxConcurrentJobsPerUser: 1 } },
      runners: { chat: async context => await new Promise<void>((resolve) => { context.signal.addEventListener('abort', () => resolve()) }) },
    })
    const first = await engine.createJob('u1', { request: chatRequest, threadId: 'chat-1', messageId: 'm1' })
    const context = { engine, userId: 'u1', config, event: {} as never, flags: { enabled: true, tools: true, workflows: true } } as unknown as JobsRouteContext
    const job = await startReplacingTurn(context, { request: chatRequest, threadId: 'chat-1', messageId: 'm1' }, [first.job])
    expect(job.id).not.toBe(first.job.id) // the request succeeded: the route answers 200 with this job
    const { counters } = useMetrics().snapshot()
    // No 429 was answered: requests_refused_total is (rightly) untouched...
    expect(counters['requests_refused_total{limit="maxConcurrentJobsPerUser"}']).toBeUndefined()
    // ...and so is jobs_refused_total ("job creations refused with a 429").
    expect(counters['jobs_refused_total{reason="user-limit"}']).toBeUndefined()
    await engine.dispose()
  })
})
