/**
 * An answer forwarded to the owner, whose reply does not come (its write failed) while the answer
 * lets the job end: the sender reads the stored log to tell whether its answer was taken. When that
 * read fails (the store stopped answering), whether it was taken is unknown: the reply is the
 * store's 503 (retry), not a 409 "belongs to a job that has ended" telling the user their answer
 * was refused — it was taken, and the retry is told so.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ProviderUnavailableError } from '../../server/lib/errors'
import type { JobProvider } from '../../server/lib/providers/types'
import { createBackend } from './backend'
import { askWorkflow, createEngineNode } from './engine-node'
import { askTwiceConfig } from './ask-twice'

const unavailable = (what: string) => new ProviderUnavailableError('convex', `Convex did not answer ${what} in time`, 5)

describe('a forwarded answer that let the job end, its reply lost', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is a 503, not a 409, when the store cannot be read to tell whether it was taken', async () => {
    const backend = createBackend()
    const replyLost = (provider: JobProvider): JobProvider => ({ ...provider, replyToControl: async () => Promise.reject(unavailable('replyToControl')) })
    let stateReadsFail = false
    const stateReads = (provider: JobProvider): JobProvider => ({ ...provider, getState: async id => stateReadsFail ? Promise.reject(unavailable('getState')) : provider.getState(id) })
    const a = createEngineNode(backend, { instanceId: 'A', config: askTwiceConfig, workflows: [askWorkflow], wrap: replyLost })
    const b = createEngineNode(backend, { instanceId: 'B', config: askTwiceConfig, workflows: [askWorkflow], wrap: stateReads })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    const [question] = (await b.engine.getJob('u1', job.id)).state.pendingInputs
    const send = () => b.engine.answerInput('u1', job.id, { requestId: question!.requestId, answer: { go: true } }).then(outcome => outcome, (error: unknown) => error)

    stateReadsFail = true
    const answering = send()
    await vi.advanceTimersByTimeAsync(2_000)
    const reply = await answering
    stateReadsFail = false
    // The answer was taken: the job ended with it.
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state.status).toBe('completed')
    expect(state.nodeStates.ask).toMatchObject({ status: 'completed', output: { go: true } })
    expect(reply).not.toMatchObject({ statusCode: 409 })
    expect(reply).toMatchObject({ name: 'ProviderUnavailableError', statusCode: 503 })
    // The store back, the retry is told it was taken.
    expect(await send()).toEqual({ stored: true })

    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
