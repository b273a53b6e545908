/**
 * An answer sent to an instance that does not run the job is forwarded to the owner, which takes
 * it, stores it and replies. When that reply does not reach the store (the write failed, or its
 * answer was lost), the sender waited out its timeout and answered `503` "did not answer … retry
 * shortly" — although the answer was taken and stored, and the job went on to its next question. A
 * retry then got `409` "already answered". The stored log says whether the answer was taken: a
 * timed-out forward now reads it, as a forward that saw the job end already did.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ProviderUnavailableError } from '../../server/lib/errors'
import type { JobProvider } from '../../server/lib/providers/types'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'
import { askTwice, askTwiceConfig } from './ask-twice'

const config = askTwiceConfig

describe('a forwarded answer whose reply is lost', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is answered as stored once the log shows it, not 503', async () => {
    const backend = createBackend()
    let replies = 0
    const replyLost = (provider: JobProvider): JobProvider => ({
      ...provider,
      replyToControl: async () => {
        replies++
        throw new ProviderUnavailableError('convex', 'Convex did not answer replyToControl in time', 5)
      },
    })
    const a = createEngineNode(backend, { instanceId: 'A', config, workflows: [askTwice], wrap: replyLost })
    const b = createEngineNode(backend, { instanceId: 'B', config, workflows: [askTwice] })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask-twice', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    const [first] = (await b.engine.getJob('u1', job.id)).state.pendingInputs
    expect(first?.prompt).toBe('First?')

    const answering = b.engine.answerInput('u1', job.id, { requestId: first!.requestId, answer: { go: true } }).then(outcome => outcome, (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(6_000)
    expect(replies).toBe(1)
    // Taken and stored: the job asks its second question.
    expect((await b.engine.getJob('u1', job.id)).state.pendingInputs.map(input => input.prompt)).toEqual(['Second?'])
    expect(await answering).toEqual({ stored: true })

    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
