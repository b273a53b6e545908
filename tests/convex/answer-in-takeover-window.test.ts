/**
 * An answer sent while the job's owner is dead (its lease not yet lapsed) is stored as a control
 * and its sender waits for the owner's reply. The instance that takes the job over reads the
 * stored controls before it runs anything: the question that answer was for is answered with it
 * (the workflow goes on, the sender is told it was stored), not voided and asked again under a
 * new id with a 409 to the user who had answered.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobProvider } from '../../server/lib/providers/types'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'
import { askTwice, askTwiceConfig } from './ask-twice'

const config = askTwiceConfig

/** An owner that died: its lease is no longer renewed in the store, and it hears no control. */
const dead = (provider: JobProvider): JobProvider => ({ ...provider, heartbeatLease: async () => true, subscribeControls: () => () => {} })

describe('an answer sent while nobody owns the job', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  async function answeredInTheWindow(answer: unknown) {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config, workflows: [askTwice], wrap: dead })
    const b = createEngineNode(backend, { instanceId: 'B', config, workflows: [askTwice] })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask-twice', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    const [first] = (await b.engine.getJob('u1', job.id)).state.pendingInputs
    expect(first?.prompt).toBe('First?')
    const answering = b.engine.answerInput('u1', job.id, { requestId: first!.requestId, answer }).then(outcome => outcome, (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(8_000)
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state.epoch).toBe(2)
    const dispose = async () => {
      const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
      await vi.advanceTimersByTimeAsync(10_000)
      await disposed
    }
    return { state, first: first!, reply: await answering, dispose }
  }

  it('is taken by the instance that took the job over: the workflow goes on, the sender is told it was stored', async () => {
    const { state, first, reply, dispose } = await answeredInTheWindow({ go: true })
    expect(reply).toEqual({ stored: true })
    // The lost owner's question is void; the same question, asked again, took the answer.
    expect(state.answeredInputs.filter(input => input.prompt === 'First?').map(input => [input.requestId === first.requestId, input.answeredBy, input.answer])).toEqual([
      [true, 'system:owner-lost', null],
      [false, 'u1', { go: true }],
    ])
    expect(state.pendingInputs.map(input => input.prompt)).toEqual(['Second?'])
    expect(state.nodeStates.first).toMatchObject({ status: 'completed', output: { go: true } })
    await dispose()
  })

  it('after one of the wrong shape, from the same window, is the one taken (each sender gets its own outcome)', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config, workflows: [askTwice], wrap: dead })
    const b = createEngineNode(backend, { instanceId: 'B', config, workflows: [askTwice] })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask-twice', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    const [first] = (await b.engine.getJob('u1', job.id)).state.pendingInputs
    const send = (answer: unknown) => b.engine.answerInput('u1', job.id, { requestId: first!.requestId, answer }).then(outcome => outcome, (error: unknown) => error)
    const wrong = send({ go: 'yes' })
    await vi.advanceTimersByTimeAsync(100)
    const right = send({ go: true })
    await vi.advanceTimersByTimeAsync(100)
    const late = send({ go: false })
    await vi.advanceTimersByTimeAsync(8_000)
    expect(await wrong).toMatchObject({ name: 'InvalidAnswerError', statusCode: 400 })
    expect(await right).toEqual({ stored: true })
    expect(await late).toMatchObject({ name: 'InputConflictError', statusCode: 409 })
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state.nodeStates.first).toMatchObject({ status: 'completed', output: { go: true } })
    expect(state.pendingInputs.map(input => input.prompt)).toEqual(['Second?'])
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })

  it('of the wrong shape is refused with a 400 and the question is asked again', async () => {
    const { state, first, reply, dispose } = await answeredInTheWindow({ go: 'yes' })
    expect(reply).toMatchObject({ name: 'InvalidAnswerError', statusCode: 400 })
    expect(state.pendingInputs.map(input => input.prompt)).toEqual(['First?'])
    expect(state.pendingInputs[0]!.requestId).not.toBe(first.requestId)
    await dispose()
  })
})
