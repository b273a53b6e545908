/**
 * A question whose `onTimeout` is `abort` ends the job `aborted`, "as if the user had aborted it"
 * (docs/workflows.md), and a user's abort is no error on any span (docs/observability.md, Status).
 * The job span said so, but the node that asked, and the nodes the abort cut short, ended with
 * status ERROR `input-timeout` while their `node.status` said `aborted`: every such expiry counted
 * as a failed node in a trace backend. `onTimeout: 'fail'` still fails its node.
 */
import { SpanStatusCode } from '@opentelemetry/api'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { useTracingPerTest } from '../support/tracing'
import type { TestTracing } from '../support/tracing'
import { createWorkflowEngine } from '../support/workflow-engine'

function askWorkflow(onTimeout: 'abort' | 'fail') {
  return defineWorkflow({
    name: `ask-${onTimeout}`,
    description: 'asks two questions at once',
    input: z.object({}),
    nodes: {
      fan: { kind: 'parallel', branches: ['quick', 'slow'] },
      quick: { kind: 'input', prompt: 'Quick?', schema: z.string(), timeoutMs: 1_000, onTimeout },
      slow: { kind: 'input', prompt: 'Slow?', schema: z.string(), timeoutMs: 60_000 },
      done: { kind: 'output', value: 'done' },
    },
    edges: [['fan', 'done']],
  })
}

describe('node spans of a job ended by an unanswered question', () => {
  const useTracing = useTracingPerTest({ fakeTimers: true })
  let tracing: TestTracing
  beforeEach(() => {
    tracing = useTracing()
  })

  async function nodeSpans(onTimeout: 'abort' | 'fail') {
    const workflow = askWorkflow(onTimeout)
    const { engine, start, state } = createWorkflowEngine([workflow])
    const jobId = await start(workflow.name)
    await vi.advanceTimersByTimeAsync(1_010)
    await engine.whenSettled(jobId)
    const nodes = Object.fromEntries(tracing.named('background_jobs.workflow_node').map(span => [span.attributes['background_jobs.node.id'], {
      status: span.status.code,
      nodeStatus: span.attributes['background_jobs.node.status'],
      aborted: span.attributes['background_jobs.aborted'] ?? false,
    }]))
    return { job: await state(jobId), nodes }
  }

  it('onTimeout abort: the job is aborted and no node span is an error', async () => {
    const { job, nodes } = await nodeSpans('abort')
    expect(job.status).toBe('aborted')
    expect(nodes).toEqual({
      fan: { status: SpanStatusCode.UNSET, nodeStatus: 'aborted', aborted: true },
      quick: { status: SpanStatusCode.UNSET, nodeStatus: 'aborted', aborted: true },
      slow: { status: SpanStatusCode.UNSET, nodeStatus: 'aborted', aborted: true },
    })
  })

  it('onTimeout fail: the node that asked fails', async () => {
    const { job, nodes } = await nodeSpans('fail')
    expect(job.status).toBe('failed')
    expect(nodes.quick).toEqual({ status: SpanStatusCode.ERROR, nodeStatus: 'failed', aborted: false })
  })
})
