/**
 * An answer sent while nobody owned the job is taken by the question the new owner asks again in
 * its place (takeover-answers.ts). The same answer sent again to the first request's id (a client
 * retrying after its reply was lost) is that answer, taken: a 200 like any other repeat, whether
 * the job still runs or has ended, not a 409 telling the user it was refused.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobProvider } from '../../server/lib/providers/types'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'
import { askTwice, askTwiceConfig } from './ask-twice'

/** An owner that died: its lease is no longer renewed in the store, and it hears no control. */
const dead = (provider: JobProvider): JobProvider => ({ ...provider, heartbeatLease: async () => true, subscribeControls: () => () => {} })

describe('the same answer again after it was taken by the question asked again', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is a 200 while the job runs and after it ended', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config: askTwiceConfig, workflows: [askTwice], wrap: dead })
    const b = createEngineNode(backend, { instanceId: 'B', config: askTwiceConfig, workflows: [askTwice] })
    const c = createEngineNode(backend, { instanceId: 'C', config: askTwiceConfig, workflows: [askTwice] })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask-twice', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    const [first] = (await b.engine.getJob('u1', job.id)).state.pendingInputs
    const send = (engine: typeof b.engine, requestId: string, answer: unknown) => engine.answerInput('u1', job.id, { requestId, answer }).then(outcome => outcome, (error: unknown) => `${(error as Error).name}: ${(error as Error).message}`)
    const answering = send(b.engine, first!.requestId, { go: true })
    await vi.advanceTimersByTimeAsync(8_000)
    expect(await answering).toEqual({ stored: true })
    const running = (await c.engine.getJob('u1', job.id)).state
    expect(running.status).toBe('waiting')
    // Its reply lost, the client sends the same answer again: to the owner, and through another instance.
    expect(await send(c.engine, first!.requestId, { go: true })).toEqual({ stored: true })
    // Answer the second question; the job ends. The same first answer again is still the one taken.
    const second = running.pendingInputs[0]!
    const ending = send(c.engine, second.requestId, { go: true })
    await vi.advanceTimersByTimeAsync(2_000)
    expect(await ending).toEqual({ stored: true })
    expect((await c.engine.getJob('u1', job.id)).state.status).toBe('completed')
    expect(await send(c.engine, first!.requestId, { go: true })).toEqual({ stored: true })
    // Another value is not that answer.
    expect(await send(c.engine, first!.requestId, { go: false })).toMatch(/^InputConflictError/)
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose(), c.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
