/**
 * An `upstream-request` hook that throws or does not settle within HOOK_TIMEOUT_MS is logged and
 * the round goes on (docs/hooks.md). It went on with whatever the hook had changed so far: a hook
 * that switched `request.model` and then failed before setting the header that goes with it sent
 * the half-adjusted request, and a hung hook that settled late changed the very request object
 * the round had sent (and would send again on a retry). Now such a round sends the request as the
 * job had it, as the chat-message-metadata hook sends nothing of a failed hook.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HOOK_TIMEOUT_MS } from '../../server/lib/app-hook'
import type { EngineHooks } from '../../server/lib/engine-types'
import { silentLogger } from '../../server/lib/logger'
import type { ModelRequest } from '../../server/lib/model/types'
import { chatRequest, createTestEngine } from '../support/engine-harness'

function engineWithHooks(hooks: EngineHooks, seen: ModelRequest[]) {
  return createTestEngine({
    runners: {
      async chat(context) {
        seen.push(await context.prepareModelRequest({ model: 'm', headers: { 'x-base': '1' }, messages: [{ role: 'user', content: 'hi' }] }))
        context.text('final answer')
      },
    },
    hooks,
    logger: silentLogger,
  }).engine
}

describe('an upstream-request hook that fails sends none of its changes', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a hook that throws half-way: the round sends the request unchanged', async () => {
    const seen: ModelRequest[] = []
    const engine = engineWithHooks({
      upstreamRequest: async ({ request }) => {
        request.model = 'premium-model'
        request.messages.unshift({ role: 'system', content: 'Premium plan.' })
        throw new Error('billing service: connect ECONNREFUSED')
      },
    }, seen)
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(job.id)
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ model: 'm', headers: { 'x-base': '1' }, messages: [{ role: 'user', content: 'hi' }] })
  })

  it('a hook that settles after its bound does not change the request the round sent', async () => {
    const seen: ModelRequest[] = []
    const engine = engineWithHooks({
      upstreamRequest: async ({ request }) => {
        request.headers = { ...request.headers, 'x-early': 'yes' }
        await new Promise(resolve => setTimeout(resolve, HOOK_TIMEOUT_MS + 5_000))
        request.model = 'late-model'
      },
    }, seen)
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(HOOK_TIMEOUT_MS + 10_000)
    await engine.whenSettled(job.id)
    expect(seen).toHaveLength(1)
    expect(seen[0]!.model).toBe('m')
    expect(seen[0]!.headers).toEqual({ 'x-base': '1' })
  })

  it('a hook that settles in time still gets its changes sent', async () => {
    const seen: ModelRequest[] = []
    const engine = engineWithHooks({
      upstreamRequest: async ({ request }) => {
        request.model = 'app/model'
      },
    }, seen)
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(job.id)
    expect(seen[0]!.model).toBe('app/model')
  })
})
