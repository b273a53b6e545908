/**
 * A chat job whose owner died is ended by the instance that takes it over (`recovery.chat` =
 * `fail`): `failed`, code `owner-lost`. When the user aborted it while nobody owned it, the abort
 * route answered 200 — and the job still ended `failed` ("the server running this job stopped")
 * rather than `aborted`, as every other abort ends a job.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createStepModel, hangingStep } from '../support/step-model'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
const request = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'Write a long story' }] }

describe('a lost chat aborted while nobody owned it', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('ends aborted, not failed as owner-lost', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: runChatJob, model: createStepModel([hangingStep()]), wrap: provider => ({ ...provider, heartbeatLease: async () => true, subscribeControls: () => () => {} }) })
    const b = createEngineNode(backend, { instanceId: 'B', config, chat: runChatJob })
    const { job } = await a.engine.createJob('u1', { request })
    await vi.advanceTimersByTimeAsync(500)
    const aborting = b.engine.abortJob('u1', job.id).then(() => 'ok', (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(8_000)
    expect(await aborting).toBe('ok')
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'aborted', epoch: 2, error: { code: 'aborted' } })
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
