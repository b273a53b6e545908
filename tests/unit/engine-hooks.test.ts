import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createEngine } from '../../server/lib/engine'
import type { EngineHooks } from '../../server/lib/engine-types'
import { silentLogger } from '../../server/lib/logger'
import type { ModelRequest } from '../../server/lib/model/types'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { chatRequest, unusedModel, wait } from '../support/engine-harness'

function engineWithHooks(hooks: EngineHooks, seen: ModelRequest[] = []) {
  return createEngine({
    provider: createMemoryProvider(),
    getConfig: () => resolveConfig({ scripted: { enabled: true } }),
    createModelClient: () => unusedModel,
    runners: {
      async chat(context) {
        seen.push(await context.prepareModelRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }))
        await wait(10, context.signal)
        context.text('final answer')
      },
    },
    tools: { register() {}, get: () => undefined, list: () => [], toModelTools: () => [] },
    workflows: { get: () => undefined, list: () => [] },
    logger: silentLogger,
    hooks,
  })
}

describe('engine hooks for apps', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('calls job-created once (not on an idempotent retry) and job-ended with the final state', async () => {
    const created: string[] = []
    const ended: Array<{ status: string, content: string }> = []
    const engine = engineWithHooks({
      jobCreated: job => void created.push(job.id),
      jobEnded: (job, state) => void ended.push({ status: job.status, content: state.content }),
    })
    const { job } = await engine.createJob('u1', { request: chatRequest, idempotencyKey: 'k' })
    await engine.createJob('u1', { request: chatRequest, idempotencyKey: 'k' })
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(job.id)
    expect(created).toEqual([job.id])
    expect(ended).toEqual([{ status: 'completed', content: 'final answer' }])
  })

  it('lets the app adjust each upstream request (headers, model, messages)', async () => {
    const seen: ModelRequest[] = []
    const engine = engineWithHooks({
      upstreamRequest: ({ job, request }) => {
        request.model = 'app/model'
        request.headers = { ...request.headers, 'x-job': job.id }
        request.messages.unshift({ role: 'system', content: 'Be brief.' })
      },
    }, seen)
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(100)
    expect(seen[0]).toMatchObject({ model: 'app/model', headers: { 'x-job': job.id } })
    expect(seen[0]!.messages[0]).toEqual({ role: 'system', content: 'Be brief.' })
  })

  it('contains hook errors: the job still runs and ends normally', async () => {
    const engine = engineWithHooks({
      jobCreated: () => {
        throw new Error('app bug')
      },
      upstreamRequest: async () => {
        throw new Error('app bug')
      },
      jobEnded: () => {
        throw new Error('app bug')
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(job.id)
    const { state } = await engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'completed', content: 'final answer' })
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
  })
})
