/**
 * Building a run's context calls the app's `createModelClient` (engine option): when it throws,
 * the job ends `failed` (internal-error, the error logged with the job id) and the run leaves
 * nothing behind, like any other failure of the run. It threw out of `createJob` after the job
 * was stored and its run registered: the creation answered 500, the job stayed `running` for
 * ever, its run, time-limit timer and status gauge held until the process ended.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Logger } from '../../server/lib/logger'
import { INTERNAL_ERROR_MESSAGE } from '../../server/lib/job-run'
import { chatRequest, createTestEngine } from '../support/engine-harness'

describe('a run whose context cannot be built', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('ends the job failed, logs the error with the job id, and releases the run', async () => {
    const logged: Array<{ message: string, fields: Record<string, unknown> | undefined }> = []
    const logger: Logger = { info() {}, warn() {}, error: (message, fields) => void logged.push({ message, fields }) }
    const broken = new Error('model client misconfigured')
    let runnerCalls = 0
    const { engine } = createTestEngine({
      logger,
      createModelClient: () => {
        throw broken
      },
      runners: {
        async chat() {
          runnerCalls++
        },
      },
    })
    try {
      const { job, created } = await engine.createJob('u1', { request: chatRequest })
      expect(created).toBe(true)
      await engine.whenSettled(job.id)
      const { state } = await engine.getJob('u1', job.id)
      expect(state.status).toBe('failed')
      expect(state.error).toMatchObject({ code: 'internal-error', message: INTERNAL_ERROR_MESSAGE })
      expect(runnerCalls).toBe(0)
      expect(logged.find(entry => entry.message === 'job failed on an unexpected error')?.fields).toMatchObject({ jobId: job.id, error: broken })
      expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
    }
    finally {
      await engine.dispose()
    }
  })
})
