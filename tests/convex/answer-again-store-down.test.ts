/**
 * The same answer again to a job that has ended, sent to an instance whose store stops answering
 * once the job's record is read: the instance cannot read whether the job took that answer, so the
 * reply is the store's 503 (retry), not a 409 "belongs to a job that has ended" telling the user
 * their answer was refused.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'
import type { FaultyFacade } from './fault-facade'
import { createFaultyFacade } from './fault-facade'
import { askTwice, askTwiceConfig } from './ask-twice'

describe('the same answer again while the store is unreachable', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is a 503, not a 409, once the job has ended', async () => {
    const backend = createBackend()
    let facade!: FaultyFacade
    const a = createEngineNode(backend, { instanceId: 'A', config: askTwiceConfig, workflows: [askTwice], wrapFacade: (inner) => {
      facade = createFaultyFacade(inner)
      return facade
    } })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask-twice', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    const send = (requestId: string, answer: unknown) => a.engine.answerInput('u1', job.id, { requestId, answer }).then(outcome => outcome, (error: unknown) => error as { name: string, statusCode: number })
    for (const prompt of ['First?', 'Second?']) {
      const input = (await a.engine.getJob('u1', job.id)).state.pendingInputs.find(each => each.prompt === prompt)!
      const answering = send(input.requestId, { go: true })
      await vi.advanceTimersByTimeAsync(500)
      expect(await answering).toEqual({ stored: true })
    }
    const { state } = await a.engine.getJob('u1', job.id)
    expect(state.status).toBe('completed')
    // The job's record is read; its log is not (the store stopped answering in between).
    facade.failNext('events:readEvents', new Error('[CONVEX Q(events:readEvents)] Server Error'))
    const reply = await send(state.answeredInputs[0]!.requestId, { go: true })
    expect(reply).not.toMatchObject({ statusCode: 409 })
    expect(reply).toMatchObject({ statusCode: 503 })
    // Its store back, the instance tells the retry it was taken.
    const retry = send(state.answeredInputs[0]!.requestId, { go: true })
    await vi.advanceTimersByTimeAsync(500)
    expect(await retry).toEqual({ stored: true })
    const disposed = a.engine.dispose()
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
