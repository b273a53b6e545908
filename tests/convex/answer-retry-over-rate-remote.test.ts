/**
 * The retry of a taken answer over `limits.inputPerMinute`, sent to an instance that does not run
 * the job: the refusal is kept unless the store shows that user's same answer taken (the owner
 * judges nothing it need not). A new answer there is still the 429.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RateLimitError } from '../../server/lib/errors'
import { rateLimitError } from '../../server/lib/rate-limit'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'
import { askTwice, askTwiceConfig } from './ask-twice'

vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

describe('an answer at the input rate limit on another instance than the owner', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is answered when it is the taken answer again, refused when it is new', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config: askTwiceConfig, workflows: [askTwice] })
    const b = createEngineNode(backend, { instanceId: 'B', config: askTwiceConfig, workflows: [askTwice] })
    const { job } = await a.engine.createJob('u-rate', { request: { type: 'workflow', workflow: 'ask-twice', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    const [first] = (await b.engine.getJob('u-rate', job.id)).state.pendingInputs
    const answered = b.engine.answerInput('u-rate', job.id, { requestId: first!.requestId, answer: { go: true } })
    await vi.advanceTimersByTimeAsync(2_000)
    await expect(answered).resolves.toEqual({ stored: true })
    await vi.advanceTimersByTimeAsync(500)
    const [second] = (await b.engine.getJob('u-rate', job.id)).state.pendingInputs
    expect(second?.prompt).toBe('Second?')

    const refusal = rateLimitError('input', 1, 30_000)
    const retry = b.engine.answerInput('u-rate', job.id, { requestId: first!.requestId, answer: { go: true } }, refusal)
    await vi.advanceTimersByTimeAsync(2_000)
    await expect(retry).resolves.toEqual({ stored: true })
    // Another value for the taken request, and a new answer: the refusal.
    await expect(b.engine.answerInput('u-rate', job.id, { requestId: first!.requestId, answer: { go: false } }, refusal)).rejects.toBe(refusal)
    await expect(b.engine.answerInput('u-rate', job.id, { requestId: second!.requestId, answer: { go: true } }, refusal)).rejects.toBeInstanceOf(RateLimitError)
    expect((await a.engine.getJob('u-rate', job.id)).state.status).toBe('waiting')

    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
