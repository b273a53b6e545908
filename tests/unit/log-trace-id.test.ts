/**
 * "Why did job X fail?" starts in the logs (Loki) and goes on in the trace (Tempo): the `job
 * created` and `job ended` lines named the job but not its trace, so an SRE had to search the
 * tracing backend by the job id attribute, or guess by time. With a tracing SDK registered, both
 * lines carry `traceId`, the trace of the job's run; without one, no field at all.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { UpstreamHttpError } from '../../server/lib/model/errors'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'
import { createStepModel, textStep } from '../support/step-model'
import { useTracingPerTest } from '../support/tracing'
import type { TestTracing } from '../support/tracing'

/** The fields of the lines with `message`. */
const fieldsOf = (lines: ReturnType<typeof recordingLogger>['lines'], message: string) => lines.filter(line => line.message === message).map(line => line.fields)

describe('the trace id in a job\'s log lines', () => {
  const useTracing = useTracingPerTest()
  let tracing: TestTracing
  beforeEach(() => {
    tracing = useTracing()
  })

  it('is on the job created and job ended lines, the trace of the job span', async () => {
    const { logger, lines } = recordingLogger()
    const { engine } = createTestEngine({ logger, runners: { chat: runChatJob }, model: createStepModel([new UpstreamHttpError(503, 'down')]) })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await engine.whenSettled(job.id)
    const [jobSpan] = tracing.named('background_jobs.job')
    const traceId = jobSpan!.spanContext().traceId
    expect(traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(fieldsOf(lines, 'job created')).toEqual([{ jobId: job.id, type: 'chat', instanceId: expect.any(String), traceId }])
    expect(fieldsOf(lines, 'job ended')).toEqual([expect.objectContaining({ jobId: job.id, status: 'failed', httpStatus: 503, traceId })])
    await engine.dispose()
  })
})

describe('without a tracing SDK', () => {
  it('the lines have no traceId field', async () => {
    const { logger, lines } = recordingLogger()
    const { engine } = createTestEngine({ logger, runners: { chat: runChatJob }, model: createStepModel([textStep('hello')]) })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await engine.whenSettled(job.id)
    expect(fieldsOf(lines, 'job created')).toEqual([{ jobId: job.id, type: 'chat', instanceId: expect.any(String) }])
    expect(fieldsOf(lines, 'job ended')[0]).not.toHaveProperty('traceId')
    await engine.dispose()
  })
})
