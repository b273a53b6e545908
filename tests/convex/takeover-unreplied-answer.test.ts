/**
 * An answer forwarded to the owner is taken and stored, then the owner dies before its reply
 * reaches the store. The instance that takes the job over reads the job's controls from the start
 * (so nothing sent while nobody owned the job is missed) and met that answer again: its run never
 * asked that question, so it replied `409` "is not pending for this job" — and the sender told the
 * user the answer was refused, although the job had taken it (the resumed workflow went on with it
 * to its next question). A control whose answer the stored log holds from the lost owner is
 * replied to as taken.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobProvider } from '../../server/lib/providers/types'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'
import { askTwice, askTwiceConfig } from './ask-twice'

const config = askTwiceConfig

/** An owner that dies right after storing the answer: its reply never lands, its lease is no longer renewed. */
const diesBeforeReplying = (provider: JobProvider): JobProvider => ({
  ...provider,
  replyToControl: () => new Promise<void>(() => {}),
  heartbeatLease: async () => true,
})

describe('an answer taken by an owner that died before replying', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is answered as stored by the instance that took the job over, not 409', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config, workflows: [askTwice], wrap: diesBeforeReplying })
    const b = createEngineNode(backend, { instanceId: 'B', config, workflows: [askTwice] })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask-twice', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    const [first] = (await b.engine.getJob('u1', job.id)).state.pendingInputs
    expect(first?.prompt).toBe('First?')

    const answering = b.engine.answerInput('u1', job.id, { requestId: first!.requestId, answer: { go: true } }).then(outcome => outcome, (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(8_000)
    // B took the job over and went on with the stored answer: it asks the second question.
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state.epoch).toBe(2)
    expect(state.pendingInputs.map(input => input.prompt)).toEqual(['Second?'])
    expect(state.answeredInputs.find(input => input.requestId === first!.requestId)?.answeredBy).toBe('u1')
    expect(await answering).toEqual({ stored: true })

    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
