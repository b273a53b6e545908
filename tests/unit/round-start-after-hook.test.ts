/**
 * Where a model round starts relative to the `upstream-request` hook (decision 32, docs/hooks.md):
 * its `step-start` is written once the hook has settled (it names the model the hook chose; a job
 * stopped meanwhile starts no round), and right before the request is sent — as the AI SDK's own
 * `streamText` writes `start-step` after `prepareStep`, with the model's first chunk. What a slow
 * hook delays is measured where it belongs: the job's time to first token counts it (from the
 * job's first start, decision 36), the endpoint's own latency per round (`model_first_token_ms`)
 * does not. Fake timers: the hook takes 4 s.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { useMetrics } from '../../server/lib/metrics'
import type { ModelClient } from '../../server/lib/model/types'
import { chatRequest, createRecordingSink, createTestEngine, wait } from '../support/engine-harness'
import { createStepModel, textStep } from '../support/step-model'

const HOOK_MS = 4_000

function setup() {
  const steps = createStepModel([textStep('hello')])
  /** The viewer's frames (event names) when the model got the request. */
  let seenAtRequest: string[] = []
  const sink = createRecordingSink()
  const model: ModelClient = { ...steps, stream: (request, signal) => {
    seenAtRequest = sink.frames.map(frame => frame.event)
    return steps.stream(request, signal)
  } }
  const { engine } = createTestEngine({
    config: { upstream: { defaultModel: 'cheap/model' } },
    runners: { chat: runChatJob },
    model,
    hooks: {
      upstreamRequest: async ({ request }) => {
        await wait(HOOK_MS)
        request.model = 'premium/model'
      },
    },
  })
  return { engine, sink, requests: steps.requests, seenAtRequest: () => seenAtRequest }
}

describe('a round\'s step-start and the upstream-request hook', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    useMetrics().reset()
  })
  afterEach(() => vi.useRealTimers())

  it('is written once the hook settled, with its model, before the request goes; the job\'s time to first token counts the hook\'s wait', async () => {
    const { engine, sink, requests, seenAtRequest } = setup()
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await engine.attachViewer('u1', job.id, sink, 0)
    await vi.advanceTimersByTimeAsync(HOOK_MS - 1)
    // The hook still runs: no round started, nothing asked.
    expect(sink.frames.map(frame => frame.event)).not.toContain('step-start')
    expect((await engine.getJob('u1', job.id)).state.steps).toEqual([])
    expect(requests).toHaveLength(0)

    await vi.advanceTimersByTimeAsync(1)
    await engine.whenSettled(job.id)
    // The step-start was already with the viewer when the request went, naming the hook's model.
    expect(seenAtRequest().filter(event => event !== 'snapshot' && event !== 'job-status')).toEqual(['step-start'])
    const events = sink.frames.map(frame => frame.event).filter(event => event !== 'snapshot' && event !== 'job-status')
    expect(events).toEqual(['step-start', 'text-delta', 'step-end', 'job-end'])
    const { state } = await engine.getJob('u1', job.id)
    expect(state.steps).toMatchObject([{ step: 1, model: 'premium/model', ended: true }])
    expect(requests.map(request => request.model)).toEqual(['premium/model'])
    // Decision 36: from the job's start, the hook's 4 s included; the endpoint's own latency not.
    expect(state.metrics!.first_token_ms).toBeGreaterThanOrEqual(HOOK_MS)
    expect(useMetrics().snapshot().histograms['model_first_token_ms{model="premium/model"}']).toMatchObject({ count: 1, sum: 0 })
    await engine.dispose()
  })

  it('a job aborted while the hook runs starts no round', async () => {
    const { engine, sink, requests } = setup()
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await engine.attachViewer('u1', job.id, sink, 0)
    await vi.advanceTimersByTimeAsync(HOOK_MS / 2)
    await engine.abortJob('u1', job.id)
    await vi.advanceTimersByTimeAsync(HOOK_MS)
    await engine.whenSettled(job.id)
    expect(sink.frames.map(frame => frame.event)).not.toContain('step-start')
    expect((await engine.getJob('u1', job.id)).state).toMatchObject({ status: 'aborted', steps: [] })
    expect(requests).toHaveLength(0)
    await engine.dispose()
  })
})
