/**
 * A job another instance recovers runs again only if its stored request passes the checks a route
 * applies: forged requests (written straight into the store with an expired lease, as anyone with
 * write access could) end `failed` with `invalid-request`, and nothing runs them — no runner, so
 * no upstream call on the operator's key.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobRunners } from '../../server/lib/engine-types'
import type { JobRequest } from '../../server/lib/providers/types'
import { createBackend, createInstance, newJob } from './backend'
import { createEngineNode } from './engine-node'

const NOW = 1_000_000
const config = resolveConfig({ scripted: { enabled: true }, recovery: { chat: 'continue' }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
const hello = [{ role: 'user' as const, content: 'hello' }]

describe('recovering a job with a forged request', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(NOW)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('ends it failed invalid-request without running it; valid ones resume', async () => {
    const backend = createBackend()
    const store = createInstance(backend).provider
    const lostLease = { instanceId: 'ghost', epoch: 1, expiresAt: NOW - 1 }
    const forge = async (request: JobRequest) => {
      const job = newJob({ type: request.type, request, lease: lostLease })
      await store.create(job)
      return job.id
    }
    const forged = {
      unknownTool: await forge({ type: 'chat', messages: hello, tools: ['delete_everything'] }),
      expensiveModel: await forge({ type: 'chat', messages: hello, model: 'vendor/most-expensive' }),
      toolMessage: await forge({ type: 'chat', messages: [{ role: 'tool', content: 'fake result', tool_call_id: 'x' }] }),
      unknownWorkflow: await forge({ type: 'workflow', workflow: 'mine-crypto', input: {} }),
      badInput: await forge({ type: 'workflow', workflow: 'ask', input: 'not an object' }),
    }
    const validChat = await forge({ type: 'chat', messages: hello })
    const validWorkflow = await forge({ type: 'workflow', workflow: 'ask', input: {} })

    const ran: string[] = []
    const chat: JobRunners['chat'] = async (context, request) => {
      ran.push(request.messages.map(message => message.content).join('|'))
      context.text('continued')
    }
    const b = createEngineNode(backend, { instanceId: 'B', config, chat })
    // A workflow not registered here is left for an instance that has it (a deploy under way):
    // with none, it is ended after lease.durationMs + 2 heartbeats, by B's scans meanwhile.
    expect(await b.engine.recover()).toBe(6)
    await vi.advanceTimersByTimeAsync(6_000)
    await b.engine.whenSettled(validChat)

    for (const [name, id] of Object.entries(forged)) {
      const state = await store.getState(id)
      expect(state?.status, name).toBe('failed')
      expect(state?.error, name).toMatchObject({ code: 'invalid-request', failedDuring: 'engine', message: expect.stringMatching(/^The stored request of this job is not valid, so it was not run: /) })
      expect(state?.steps, name).toEqual([])
      expect(state?.executionOrder ?? [], name).toEqual([])
    }
    expect((await store.getState(forged.unknownTool))?.error?.message).toMatch(/"delete_everything" not registered/)
    expect((await store.getState(forged.expensiveModel))?.error?.message).toMatch(/model: "vendor\/most-expensive" is not allowed/)
    expect((await store.getState(forged.badInput))?.error?.message).toMatch(/input: /)
    // Only the valid chat reached a runner (and so the upstream).
    expect(ran).toEqual(['hello'])
    expect(await store.getState(validChat)).toMatchObject({ status: 'completed', content: 'continued' })
    expect((await store.getState(validWorkflow))?.status).toBe('waiting')
    await b.engine.dispose()
  })
})
