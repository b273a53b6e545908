/**
 * Two different answers from the same user, sent while nobody owned the job: the new owner gives
 * the first to the question it asks again, and the job ends. The second was not taken: its sender
 * is told so (409), not `stored: true` because the log holds that user's other answer.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobProvider } from '../../server/lib/providers/types'
import { createBackend } from './backend'
import { askWorkflow, createEngineNode } from './engine-node'
import { askTwiceConfig } from './ask-twice'

/** An owner that died: its lease is no longer renewed in the store, and it hears no control. */
const dead = (provider: JobProvider): JobProvider => ({ ...provider, heartbeatLease: async () => true, subscribeControls: () => () => {} })

describe('a second, different answer sent while nobody owned the job', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it.each([
    { taken: { go: true } },
    // Stored as the schema read it (`note` dropped): still the answer its sender sent.
    { taken: { go: true, note: 'extra' } },
  ])('is refused once the first one ($taken) let the job end', async ({ taken }) => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config: askTwiceConfig, workflows: [askWorkflow], wrap: dead })
    const b = createEngineNode(backend, { instanceId: 'B', config: askTwiceConfig, workflows: [askWorkflow] })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    const [question] = (await b.engine.getJob('u1', job.id)).state.pendingInputs
    const send = (answer: unknown) => b.engine.answerInput('u1', job.id, { requestId: question!.requestId, answer }).then(outcome => outcome, (error: unknown) => error)
    const first = send(taken)
    await vi.advanceTimersByTimeAsync(100)
    const second = send({ go: false })
    await vi.advanceTimersByTimeAsync(8_000)
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state.status).toBe('completed')
    expect(state.nodeStates.ask).toMatchObject({ status: 'completed', output: { go: true } })
    expect(await first).toEqual({ stored: true })
    expect(await second).toMatchObject({ name: 'InputConflictError', statusCode: 409 })
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
