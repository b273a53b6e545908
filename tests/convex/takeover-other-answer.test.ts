/**
 * The owner takes a user's answer and stores it; the same user's different answer to that question
 * is stored as a control the owner never acts on (it dies). The instance that takes the job over
 * meets that control: the log holds the user's answer, but not this one — the sender is told it
 * was refused (409), not `ok` as if the job had taken it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobProvider } from '../../server/lib/providers/types'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'
import { askTwice, askTwiceConfig } from './ask-twice'

/** An owner about to die: its lease is no longer renewed, and it hears no forwarded control. */
const dying = (provider: JobProvider): JobProvider => ({ ...provider, heartbeatLease: async () => true, subscribeControls: () => () => {} })

describe('a different answer from the same user, met again at the takeover', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is a 409, and the answer the owner took is still a 200', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config: askTwiceConfig, workflows: [askTwice], wrap: dying })
    const b = createEngineNode(backend, { instanceId: 'B', config: askTwiceConfig, workflows: [askTwice] })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask-twice', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    const [first] = (await a.engine.getJob('u1', job.id)).state.pendingInputs
    const send = (engine: typeof a.engine, answer: unknown) => engine.answerInput('u1', job.id, { requestId: first!.requestId, answer }).then(outcome => outcome, (error: unknown) => error)
    const taken = send(a.engine, { go: true })
    await vi.advanceTimersByTimeAsync(200)
    expect(await taken).toEqual({ stored: true })
    // Sent through B before B knows of the answer: stored as a control for the owner, which never reads it.
    const other = send(b.engine, { go: false })
    const again = send(b.engine, { go: true })
    await vi.advanceTimersByTimeAsync(8_000)
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state.epoch).toBe(2)
    expect(state.answeredInputs.filter(input => input.prompt === 'First?').map(input => [input.answeredBy, input.answer])).toEqual([['u1', { go: true }]])
    expect(await again).toEqual({ stored: true })
    expect(await other).toMatchObject({ name: 'InputConflictError', statusCode: 409 })
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
