/**
 * A model round counts in `total_rounds` when it starts: once the app's `upstream-request` hook has
 * chosen its model and its `step-start` goes out, right before the upstream is asked. A job stopped
 * while that hook still ran (it may take up to 10 s: a plan read from a database) starts no round —
 * no `step-start`, nothing asked, nothing billed — but the loop counted the round before calling the
 * hook, so its `job-end` metrics, the `job ended` line's `rounds` and the job span's
 * `background_jobs.rounds` said one round more than the model was asked (and than a takeover of
 * the same log counts: job-run.ts metricsSoFar reads the `step-start`s).
 */
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'
import { createStepModel, textStep, toolStep } from '../support/step-model'
import { useTracingPerTest } from '../support/tracing'

const tracing = useTracingPerTest({ fakeTimers: true })
const lookup = defineTool({ name: 'lookup', description: 'Looks up', parameters: z.object({}), execute: () => 'found' })

describe('a job stopped while the upstream-request hook runs', () => {
  it('counts only the rounds that started', async () => {
    const model = createStepModel([toolStep([{ id: 'a', name: 'lookup' }]), textStep('never')])
    // The first round's hook answers at once; the second's takes a while (it stays within its 10 s bound).
    let calls = 0
    const { logger, lines } = recordingLogger()
    const { engine } = createTestEngine({
      runners: { chat: runChatJob },
      model,
      tools: createToolRegistry([lookup]),
      logger,
      hooks: { upstreamRequest: () => (++calls === 1 ? undefined : new Promise<void>(resolve => setTimeout(resolve, 5_000))) },
    })
    const { job } = await engine.createJob('u1', { request: { ...chatRequest, tools: ['lookup'] } })
    await vi.advanceTimersByTimeAsync(1_000)
    expect(calls).toBe(2)
    await engine.abortJob('u1', job.id)
    await vi.advanceTimersByTimeAsync(5_000)
    await engine.whenSettled(job.id)
    const { state } = await engine.getJob('u1', job.id)
    expect(state.status).toBe('aborted')
    expect(model.requests).toHaveLength(1)
    expect(state.steps).toHaveLength(1)
    // Before: 2.
    expect(state.metrics!.total_rounds).toBe(1)
    expect(lines.find(line => line.message === 'job ended')?.fields).toMatchObject({ rounds: 1 })
    expect(tracing().named('background_jobs.job')[0]!.attributes['background_jobs.rounds']).toBe(1)
    await engine.dispose()
  })
})
