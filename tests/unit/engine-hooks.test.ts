import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { EngineHooks } from '../../server/lib/engine-types'
import { HOOK_TIMEOUT_MS } from '../../server/lib/app-hook'
import type { Logger } from '../../server/lib/logger'
import { silentLogger } from '../../server/lib/logger'
import type { ModelRequest } from '../../server/lib/model/types'
import { chatRequest, createTestEngine, wait } from '../support/engine-harness'

function engineWithHooks(hooks: EngineHooks, seen: ModelRequest[] = [], logger: Logger = silentLogger) {
  return createTestEngine({
    runners: {
      async chat(context) {
        // Two rounds over one conversation, as the executor loop does.
        const conversation: ModelRequest['messages'] = [{ role: 'user', content: 'hi' }]
        seen.push(await context.prepareModelRequest({ model: 'm', messages: conversation }))
        conversation.push({ role: 'assistant', content: 'round one' })
        seen.push(await context.prepareModelRequest({ model: 'm', messages: conversation }))
        await wait(10, context.signal)
        context.text('final answer')
      },
    },
    hooks,
    logger,
  }).engine
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

  it('skips a job hook nobody listens to, and calls it again once somebody does', async () => {
    const calls: string[] = []
    let listening = false
    const asked: string[] = []
    const engine = engineWithHooks({
      jobCreated: job => void calls.push(`created ${job.id}`),
      jobEnded: job => void calls.push(`ended ${job.id}`),
      upstreamRequest: ({ job }) => void calls.push(`request ${job.id}`),
      isListening: (name) => {
        asked.push(name)
        return listening
      },
    })
    const quiet = (await engine.createJob('u1', { request: chatRequest })).job
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(quiet.id)
    expect(calls).toEqual([])
    expect(asked.sort()).toEqual(['jobCreated', 'jobEnded', 'upstreamRequest', 'upstreamRequest'])

    listening = true
    const heard = (await engine.createJob('u1', { request: chatRequest })).job
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(heard.id)
    expect(calls.sort()).toEqual([`created ${heard.id}`, `ended ${heard.id}`, `request ${heard.id}`, `request ${heard.id}`])
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

  it('a hook that adds a system message adds one per round: it changes its own copy, not the conversation', async () => {
    const seen: ModelRequest[] = []
    const engine = engineWithHooks({
      upstreamRequest: ({ request }) => {
        request.messages.unshift({ role: 'system', content: 'Be brief.' })
        request.messages[1]!.content = 'changed by the hook'
      },
    }, seen)
    await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(100)
    expect(seen.map(request => request.messages.map(message => `${message.role}:${message.content}`))).toEqual([
      ['system:Be brief.', 'user:changed by the hook'],
      ['system:Be brief.', 'user:changed by the hook', 'assistant:round one'],
    ])
  })

  it('a hook that never settles is waited for at most HOOK_TIMEOUT_MS, with a warning naming it', async () => {
    const warnings: string[] = []
    const logger: Logger = { ...silentLogger, warn: message => void warnings.push(message) }
    const engine = engineWithHooks({
      jobCreated: () => new Promise(() => {}),
      upstreamRequest: () => new Promise(() => {}),
      jobEnded: () => new Promise(() => {}),
    }, [], logger)
    let created = false
    const creating = engine.createJob('u1', { request: chatRequest }).then((result) => {
      created = true
      return result
    })
    await vi.advanceTimersByTimeAsync(HOOK_TIMEOUT_MS - 1)
    expect(created).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    const { job } = await creating
    // Two rounds of upstream-request, then job-ended, each given its time.
    await vi.advanceTimersByTimeAsync(3 * HOOK_TIMEOUT_MS + 100)
    await engine.whenSettled(job.id)
    expect((await engine.getJob('u1', job.id)).state).toMatchObject({ status: 'completed', content: 'final answer' })
    // The second round's upstream-request, within a minute of the first, is counted, not logged (hook-failure-log.ts).
    expect(warnings.map(warning => /^hook (\S+)/.exec(warning)?.[1]).sort()).toEqual([
      'background-jobs:job-created', 'background-jobs:job-ended', 'background-jobs:upstream-request',
    ])
    expect(warnings).toContain('hook background-jobs:job-created has not settled after 10000 ms; going on without it (does it await something that never ends?)')
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
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
