/**
 * A parallel node whose branch fails: the failing branch's span says `failed` with status ERROR
 * and its code, as the job's log does; only the branches it cancelled are `skipped`. The failing
 * branch cancels its siblings before its error reaches its span, and the span took that
 * cancellation for its own: it said `skipped` (UNSET), so the trace hid which node failed. The
 * steps (model rounds, tool calls) of a cancelled branch are `skipped` too: they ended ERROR
 * with the failing node's code, so the trace pointed at a round that had not failed.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { SpanStatusCode } from '@opentelemetry/api'
import { z } from 'zod'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createTestEngine } from '../support/engine-harness'
import { useTracingPerTest } from '../support/tracing'
import type { TestTracing } from '../support/tracing'
import { createWorkflowFakeModel } from '../support/workflow-fake-context'

const flaky = defineWorkflow({
  name: 'flaky',
  description: 'one branch fails at once, the other is still streaming',
  input: z.object({}),
  nodes: {
    fan: { kind: 'parallel', branches: ['bad', 'slow'] },
    bad: { kind: 'agent', instructions: 'x', prompt: () => { throw new Error('no prompt today') } },
    slow: { kind: 'agent', instructions: 'x', prompt: 'take your time' },
    done: { kind: 'output', value: 'ok' },
  },
  edges: [['fan', 'done']],
})

describe('workflow node spans of a failed parallel branch', () => {
  const useTracing = useTracingPerTest({ fakeTimers: true })
  let tracing: TestTracing
  beforeEach(() => {
    tracing = useTracing()
  })

  /** Runs the `flaky` workflow to its end (one branch fails while the other runs). */
  async function runFlaky() {
    const { engine } = createTestEngine({
      runners: { chat: runChatJob, workflow: runWorkflowJob },
      model: createWorkflowFakeModel(),
      workflows: createWorkflowRegistry([flaky]),
    })
    const { job } = await engine.createJob('u1', { request: { type: 'workflow', workflow: 'flaky', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    await engine.whenSettled(job.id)
    return { engine, job }
  }

  it('the branch that failed is failed (ERROR), the one it cancelled skipped, as the log says', async () => {
    const { engine, job } = await runFlaky()
    const { state } = await engine.getJob('u1', job.id)
    expect(state.nodeStates.bad!.status).toBe('failed')
    expect(state.nodeStates.slow!.status).toBe('skipped')

    const node = (id: string) => tracing.named('background_jobs.workflow_node').find(span => span.attributes['background_jobs.node.id'] === id)!
    expect({ status: node('bad').attributes['background_jobs.node.status'], error: node('bad').attributes['error.type'], span: node('bad').status })
      .toEqual({ status: 'failed', error: 'node-failed', span: { code: SpanStatusCode.ERROR, message: 'node-failed' } })
    expect({ status: node('slow').attributes['background_jobs.node.status'], error: node('slow').attributes['error.type'], span: node('slow').status.code })
      .toEqual({ status: 'skipped', error: 'skipped', span: SpanStatusCode.UNSET })
    expect(node('fan').attributes['background_jobs.node.status']).toBe('failed')
    await engine.dispose()
  })

  it('the model round the failure cancelled in a sibling branch is skipped like its node, not an error with the other node\'s code', async () => {
    const { engine, job } = await runFlaky()
    const rounds = tracing.named('background_jobs.model_round')
    expect(rounds.map(span => span.attributes['background_jobs.node.id'])).toEqual(['slow'])
    expect({ error: rounds[0]!.attributes['error.type'], status: rounds[0]!.status.code }).toEqual({ error: 'skipped', status: SpanStatusCode.UNSET })
    // The one error of the trace below the job is where it happened.
    const errors = tracing.spans().filter(span => span.status.code === SpanStatusCode.ERROR).map(span => `${span.name} ${String(span.attributes['background_jobs.node.id'] ?? '')}`)
    expect(errors.sort()).toEqual(['background_jobs.job bad', 'background_jobs.workflow_node bad', 'background_jobs.workflow_node fan'])
    await engine.dispose()
  })
})
