/**
 * A workflow job's `job created` and `job ended` lines said `type: workflow` and nothing of which
 * workflow it was: "which workflow's jobs fail?" had no answer in the logs (the job span has
 * `background_jobs.workflow.name`; no metric has the name) but a lookup of each job id. The lines of
 * a workflow job now carry `workflow`, its registered name — bounded, the app's own, no content;
 * a chat's carry none.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { logJobEnded } from '../../server/lib/job-end-log'
import { JobFailure } from '../../server/lib/run-context'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { emptyMetrics } from '../../shared/events'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'
import { createWorkflowFakeModel } from '../support/workflow-fake-context'

const report = defineWorkflow({
  name: 'weekly_report',
  description: 'one output',
  input: z.object({}),
  nodes: { done: { kind: 'output', value: 'reported' } },
  edges: [],
})

describe('the lines of a workflow job', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('name the workflow in job created and job ended; a chat\'s name none', async () => {
    const { logger, lines } = recordingLogger()
    const { engine } = createTestEngine({
      logger,
      runners: { chat: runChatJob, workflow: runWorkflowJob },
      model: createWorkflowFakeModel(),
      workflows: createWorkflowRegistry([report]),
    })
    const workflowJob = (await engine.createJob('u1', { request: { type: 'workflow', workflow: 'weekly_report', input: {} } })).job
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(workflowJob.id)
    const chatJob = (await engine.createJob('u1', { request: chatRequest })).job
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(chatJob.id)
    await engine.dispose()
    const jobLines = lines.filter(line => line.message === 'job created' || line.message === 'job ended')
    expect(jobLines.map(line => [line.message, line.fields?.jobId, line.fields?.workflow])).toEqual([
      ['job created', workflowJob.id, 'weekly_report'],
      ['job ended', workflowJob.id, 'weekly_report'],
      ['job created', chatJob.id, undefined],
      ['job ended', chatJob.id, undefined],
    ])
    expect(jobLines.filter(line => line.fields?.jobId === chatJob.id).every(line => !('workflow' in line.fields!))).toBe(true)
  })

  it('name it in the job ended line of a failure too, beside where it failed', () => {
    const { logger, lines } = recordingLogger()
    const failure = new JobFailure('node-failed', 'x', { failedDuring: 'node', nodeId: 'done' })
    logJobEnded(logger, { jobId: 'j1', type: 'workflow', workflow: 'weekly_report', instanceId: 'i1', steps: [] }, 'failed', { code: failure.code, message: failure.message, failedDuring: 'node', nodeId: 'done' }, emptyMetrics())
    expect(lines[0]).toMatchObject({ level: 'warn', fields: { jobId: 'j1', type: 'workflow', workflow: 'weekly_report', error: 'node-failed', nodeId: 'done' } })
  })
})
