/**
 * A job's batched text whose commit throws (the batch clock calls each job on its own, so the
 * others go on) is logged by the engine — but the line named no job: an operator could not tell
 * which job's text was lost, nor find the job's other lines. Now it carries the job's id.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useMetrics } from '../../server/lib/metrics'
import { chatRequest, createTestEngine, wait } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'

describe('a batched commit that throws', () => {
  afterEach(() => {
    vi.restoreAllMocks()
    vi.useRealTimers()
  })

  it('is logged with the job\'s id', async () => {
    vi.useFakeTimers()
    const metrics = useMetrics()
    const recordEvent = metrics.recordEvent
    // The commit's bookkeeping throws for a text delta (the batched one) of this job alone.
    vi.spyOn(metrics, 'recordEvent').mockImplementation((jobId, event) => {
      if (event.type === 'text-delta') throw new Error('commit failed')
      recordEvent(jobId, event)
    })
    const { logger, lines } = recordingLogger()
    const { engine } = createTestEngine({
      logger,
      runners: {
        chat: async (context) => {
          await wait(10, context.signal)
          context.text('one ')
          context.text('two ')
          await wait(1_000, context.signal)
        },
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(1_100)
    await engine.whenSettled(job.id)
    const failed = lines.filter(line => line.message === 'committing a job\'s batched text failed')
    expect(failed.length).toBeGreaterThan(0)
    for (const line of failed) expect(line.fields).toEqual({ jobId: job.id, error: expect.any(Error) })
    await engine.dispose()
  })
})
