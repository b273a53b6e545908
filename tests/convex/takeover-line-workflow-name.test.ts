/**
 * The `resuming a job whose owner was lost` line of a workflow job named no workflow, as its
 * `job created` and `job ended` lines did not (tests/unit/job-lines-workflow-name): it carries
 * `workflow` now, on the instance that took the job over — and so does that job's `job ended` there.
 */
import { describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { recordingLogger } from '../support/recording-logger'
import { useTracingPerTest } from '../support/tracing'
import { createBackend } from './backend'
import { diesBefore } from './dies-before'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

describe('a workflow job taken over', () => {
  useTracingPerTest({ fakeTimers: true })

  it('names its workflow in the resuming line', async () => {
    const backend = createBackend()
    const { logger, lines } = recordingLogger()
    // A dies at its question's write: the job's lease lapses and B resumes the workflow.
    const a = createEngineNode(backend, { instanceId: 'A', config, wrap: diesBefore('input-request') })
    const b = createEngineNode(backend, { instanceId: 'B', config, logger })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    await vi.advanceTimersByTimeAsync(8_000)
    expect(lines.filter(line => line.message === 'resuming a job whose owner was lost')).toEqual([
      { level: 'info', message: 'resuming a job whose owner was lost', fields: expect.objectContaining({ jobId: job.id, type: 'workflow', workflow: 'ask' }) },
    ])
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
