/**
 * The `job ended` log line (docs/logs.md): a failed job is a warning naming the job, its
 * error code and where it failed (model, tool, node — by id and name), never the error's message
 * (it can quote the upstream's answer or a tool's error) nor the prompt.
 */
import { describe, expect, it } from 'vitest'
import { logJobEnded } from '../../server/lib/job-end-log'
import { JobFailure } from '../../server/lib/run-context'
import { emptyMetrics } from '../../shared/events'
import { chatRequest, createTestEngine, wait } from '../support/engine-harness'
import { NOTHING_SPENT, recordingLogger } from '../support/recording-logger'

describe('the job ended line', () => {
  it('a failure is a warning with code and where it happened; a completed job is info; no message, no prompt', async () => {
    const { logger, lines } = recordingLogger()
    let fail = true
    const { engine } = createTestEngine({
      logger,
      runners: {
        async chat() {
          if (fail) throw new JobFailure('tool-failed', 'the secret answer quoted by a tool', { failedDuring: 'tool', toolName: 'lookup' })
        },
      },
    })
    const failed = (await engine.createJob('u1', { request: chatRequest })).job
    await engine.whenSettled(failed.id)
    fail = false
    const completed = (await engine.createJob('u1', { request: chatRequest })).job
    await engine.whenSettled(completed.id)
    const ended = lines.filter(line => line.message === 'job ended')
    expect(ended).toEqual([
      { level: 'warn', message: 'job ended', fields: { jobId: failed.id, type: 'chat', instanceId: expect.any(String), status: 'failed', error: 'tool-failed', failedDuring: 'tool', toolName: 'lookup', ...NOTHING_SPENT } },
      { level: 'info', message: 'job ended', fields: { jobId: completed.id, type: 'chat', instanceId: expect.any(String), status: 'completed', ...NOTHING_SPENT } },
    ])
    expect(JSON.stringify(lines)).not.toContain('secret answer')
    await engine.dispose()
  })

  it('an abort is not an error: an info line saying what ended it, as job_aborts_total{code} counts it', async () => {
    const { logger, lines } = recordingLogger()
    const { engine } = createTestEngine({ logger, runners: { chat: context => wait(60_000, context.signal) } })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await engine.abortJob('u1', job.id)
    await engine.whenSettled(job.id)
    logJobEnded(logger, { jobId: 'j2', type: 'workflow', instanceId: 'i1', steps: [] }, 'aborted', { code: 'input-timeout', message: 'no answer in time' }, emptyMetrics())
    expect(lines.filter(line => line.message === 'job ended')).toEqual([
      { level: 'info', message: 'job ended', fields: { jobId: job.id, type: 'chat', instanceId: expect.any(String), status: 'aborted', abortCode: 'aborted', ...NOTHING_SPENT } },
      { level: 'info', message: 'job ended', fields: { jobId: 'j2', type: 'workflow', instanceId: 'i1', status: 'aborted', abortCode: 'input-timeout', ...NOTHING_SPENT } },
    ])
    await engine.dispose()
  })
})
