/**
 * The job span's `input.expired` events name the questions nobody answered in time — only those:
 * a question that expired with `onTimeout: 'abort'` ends the job, and another question still open
 * then (its own limit far off) did not expire.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { useTracingPerTest } from '../support/tracing'
import type { TestTracing } from '../support/tracing'
import { createWorkflowEngine } from '../support/workflow-engine'

const twoQuestions = defineWorkflow({
  name: 'two-questions',
  description: 'asks two questions at once',
  input: z.object({}),
  nodes: {
    fan: { kind: 'parallel', branches: ['quick', 'slow'] },
    quick: { kind: 'input', prompt: 'Quick?', schema: z.string(), timeoutMs: 1_000, onTimeout: 'abort' },
    slow: { kind: 'input', prompt: 'Slow?', schema: z.string(), timeoutMs: 60_000, onTimeout: 'default', timeoutAnswer: 'no' },
    done: { kind: 'output', value: 'done' },
  },
  edges: [['fan', 'done']],
})

describe('input.expired span events', () => {
  const useTracing = useTracingPerTest({ fakeTimers: true })
  let tracing: TestTracing
  beforeEach(() => {
    tracing = useTracing()
  })

  it('onTimeout abort: only the question that expired is reported expired', async () => {
    const { engine, start, state, requestOf } = createWorkflowEngine([twoQuestions])
    const jobId = await start('two-questions')
    await vi.advanceTimersByTimeAsync(10)
    const quick = await requestOf(jobId, 'quick')
    const slow = await requestOf(jobId, 'slow')
    await vi.advanceTimersByTimeAsync(1_000)
    await engine.whenSettled(jobId)
    expect((await state(jobId)).error).toMatchObject({ code: 'input-timeout' })

    const [jobSpan] = tracing.named('background_jobs.job')
    const expired = jobSpan!.events.filter(event => event.name === 'background_jobs.input.expired').map(event => event.attributes?.['background_jobs.input.request_id'])
    expect(expired).toEqual([quick])
    expect(expired).not.toContain(slow)
  })

  it('onTimeout fail: the question that expired is reported expired', async () => {
    const askOnce = defineWorkflow({
      name: 'ask-once',
      description: 'asks one question',
      input: z.object({}),
      nodes: {
        ask: { kind: 'input', prompt: 'Ship it?', schema: z.string(), timeoutMs: 1_000, onTimeout: 'fail' },
        done: { kind: 'output', value: 'done' },
      },
      edges: [['ask', 'done']],
    })
    const { engine, start, requestOf } = createWorkflowEngine([askOnce])
    const jobId = await start('ask-once')
    await vi.advanceTimersByTimeAsync(10)
    const ask = await requestOf(jobId, 'ask')
    await vi.advanceTimersByTimeAsync(1_000)
    await engine.whenSettled(jobId)

    const [jobSpan] = tracing.named('background_jobs.job')
    const expired = jobSpan!.events.filter(event => event.name === 'background_jobs.input.expired').map(event => event.attributes?.['background_jobs.input.request_id'])
    expect(expired).toEqual([ask])
  })
})
