/**
 * A run that fails on an unexpected error (a bug, a driver's error) keeps the error's text out of
 * the job, which its user reads — the text can name hosts, paths or queries — and logs it with
 * the job id instead. Failures the layer words for the user (JobFailure, model errors, its own
 * errors) keep their message.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { InvalidRequestError } from '../../server/lib/errors'
import { INTERNAL_ERROR_MESSAGE } from '../../server/lib/job-run'
import type { Logger } from '../../server/lib/logger'
import { UpstreamHttpError } from '../../server/lib/model/errors'
import { JobFailure } from '../../server/lib/run-context'
import { chatRequest, createTestEngine } from '../support/engine-harness'

/** Runs one chat whose runner throws `thrown`; returns the job's error and what was logged. */
async function failWith(thrown: unknown) {
  const logged: Array<{ message: string, fields: Record<string, unknown> | undefined }> = []
  const logger: Logger = {
    info() {},
    warn() {},
    error: (message, fields) => void logged.push({ message, fields }),
  }
  const { engine } = createTestEngine({
    logger,
    runners: {
      async chat(context) {
        context.text('partial ')
        throw thrown
      },
    },
  })
  const { job } = await engine.createJob('u1', { request: chatRequest })
  await engine.whenSettled(job.id)
  const { state } = await engine.getJob('u1', job.id)
  await engine.dispose()
  return { job, state, logged }
}

describe('a run that fails on an unexpected error', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('tells the user only that it failed, keeps the partial text, and logs the error with the job id', async () => {
    const driverError = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432 (user=app password=hunter2)'), { code: 'ECONNREFUSED' })
    const { job, state, logged } = await failWith(driverError)
    expect(state.status).toBe('failed')
    expect(state.error).toMatchObject({ code: 'internal-error', message: INTERNAL_ERROR_MESSAGE, failedDuring: 'engine' })
    expect(JSON.stringify(state)).not.toContain('10.1.2.3')
    expect(state.content).toBe('partial ')
    const line = logged.find(entry => entry.message === 'job failed on an unexpected error')
    expect(line?.fields).toMatchObject({ jobId: job.id, error: driverError })
  })

  it('keeps the message of failures worded for the user, and logs none of them as unexpected', async () => {
    const cases: Array<[unknown, Record<string, unknown>]> = [
      [new JobFailure('tool-failed', 'Tool "x" failed: no such city', { failedDuring: 'tool', toolName: 'x' }), { code: 'tool-failed', message: 'Tool "x" failed: no such city' }],
      [new UpstreamHttpError(401, 'invalid key'), { code: 'upstream-http', message: 'The model endpoint answered HTTP 401: invalid key', failedDuring: 'model' }],
      [new InvalidRequestError('Workflows are not available in this engine'), { code: 'internal-error', message: 'Workflows are not available in this engine' }],
    ]
    for (const [thrown, expected] of cases) {
      const { state, logged } = await failWith(thrown)
      expect(state.error).toMatchObject(expected)
      expect(logged.filter(entry => entry.message === 'job failed on an unexpected error')).toEqual([])
    }
  })
})
