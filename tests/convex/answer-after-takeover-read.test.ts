/**
 * An answer sent while nobody owned the job, stored just after the instance taking it over read
 * the job's controls (`readControls`) and before it stored the void of the lost owner's question.
 * Its sender could not have seen the question asked again (the void was not stored yet), like an
 * answer stored a moment earlier, which is given to the question asked again: so is this one, not
 * a 409 telling the user to answer again a question they had answered.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobProvider } from '../../server/lib/providers/types'
import { createBackend } from './backend'
import { askWorkflow, createEngineNode } from './engine-node'
import { askTwiceConfig as config } from './ask-twice'

/** An owner that died: its lease is no longer renewed in the store, and it hears no control. */
const dead = (provider: JobProvider): JobProvider => ({ ...provider, heartbeatLease: async () => true, subscribeControls: () => () => {} })

describe('an answer stored between the takeover\'s read of the controls and its void of the question', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is given to the question asked again, and its sender told it was stored', async () => {
    const backend = createBackend()
    let inWindow: (() => Promise<unknown>) | null = null
    /** B: right after its takeover's read of the controls, the answer is stored (before B writes anything). */
    const answerAfterRead = (provider: JobProvider): JobProvider => ({
      ...provider,
      readControls: async (id) => {
        const controls = await provider.readControls!(id)
        const send = inWindow
        inWindow = null
        if (send) {
          const reply = send()
          // Until the answer is stored as a control.
          for (let tries = 0; tries < 100 && (await provider.readControls!(id)).length === controls.length; tries++) await Promise.resolve()
          expect((await provider.readControls!(id)).length).toBe(controls.length + 1)
          replies.push(reply)
        }
        return controls
      },
    })
    const replies: Array<Promise<unknown>> = []
    const a = createEngineNode(backend, { instanceId: 'A', config, workflows: [askWorkflow], wrap: dead })
    const b = createEngineNode(backend, { instanceId: 'B', config, workflows: [askWorkflow], wrap: answerAfterRead })
    const c = createEngineNode(backend, { instanceId: 'C', config, workflows: [askWorkflow], wrap: provider => ({ ...provider, claimLease: async () => null }) })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    const [question] = (await c.engine.getJob('u1', job.id)).state.pendingInputs
    inWindow = () => c.engine.answerInput('u1', job.id, { requestId: question!.requestId, answer: { go: true } }).then(outcome => outcome, (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(8_000)
    expect(replies).toHaveLength(1)

    const { state } = await b.engine.getJob('u1', job.id)
    expect(state.epoch).toBe(2)
    expect(await replies[0]).toEqual({ stored: true })
    expect(state.status).toBe('completed')
    expect(state.nodeStates.ask).toMatchObject({ status: 'completed', output: { go: true } })

    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose(), c.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })

  it('sent once the voids were stored, is still the documented 409 (the question was asked again)', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config, workflows: [askWorkflow], wrap: dead })
    const b = createEngineNode(backend, { instanceId: 'B', config, workflows: [askWorkflow] })
    const c = createEngineNode(backend, { instanceId: 'C', config, workflows: [askWorkflow], wrap: provider => ({ ...provider, claimLease: async () => null }) })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    const [question] = (await b.engine.getJob('u1', job.id)).state.pendingInputs
    await vi.advanceTimersByTimeAsync(8_000)
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state.pendingInputs.map(input => input.requestId)).not.toContain(question!.requestId)
    // Sent on C: forwarded to the owner B as a control.
    const reply = await c.engine.answerInput('u1', job.id, { requestId: question!.requestId, answer: { go: true } }).then(outcome => outcome, (error: unknown) => error)
    expect(reply).toMatchObject({ name: 'InputConflictError', statusCode: 409 })

    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose(), c.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
