/**
 * An answer the lost owner stored before its input node ended, which the version taking the job
 * over refuses (a rolling deploy added a required field to the question's schema): the node asks
 * again in its new form (workflow-resume-answer-schema-changed). The client retrying its first
 * answer to the first request's id (its reply lost) was told `200 stored`, as if the job had taken
 * it — while the job waits for the question asked again. It is a 409 saying so, while the job runs
 * and after it ended.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import type { JobProvider } from '../../server/lib/providers/types'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { askTwiceConfig } from './ask-twice'
import { createBackend } from './backend'
import { diesBefore } from './dies-before'
import { createEngineNode } from './engine-node'

const version = (schema: z.ZodType) => defineWorkflow({
  name: 'publish',
  description: 'asks, then reports',
  input: z.object({}),
  nodes: { ask: { kind: 'input', prompt: 'Publish?', schema, onTimeout: 'fail' }, out: { kind: 'output', value: 'done' } },
  edges: [['ask', 'out']],
})
const v1 = version(z.object({ ok: z.boolean() }))
const v2 = version(z.object({ ok: z.boolean(), reviewer: z.string().min(1) }))

describe('the first answer again, after a deploy refused it and the question was asked again', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  /** A (v1) stores the answer, then dies before the node's end lands; B (v2) takes the job over. */
  async function answeredThenTakenOver() {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config: askTwiceConfig, workflows: [v1], wrap: diesBefore('node-end') })
    const b = createEngineNode(backend, { instanceId: 'B', config: askTwiceConfig, workflows: [v2] })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'publish', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    const [first] = (await a.engine.getJob('u1', job.id)).state.pendingInputs
    const send = (engine: typeof b.engine, requestId: string, answer: unknown) => engine.answerInput('u1', job.id, { requestId, answer }).then(outcome => outcome, (error: unknown) => `${(error as Error).name}: ${(error as Error).message}`)
    const answering = send(a.engine, first!.requestId, { ok: true })
    await vi.advanceTimersByTimeAsync(8_000)
    await answering
    const { state } = await b.engine.getJob('u1', job.id)
    const dispose = async () => {
      const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
      await vi.advanceTimersByTimeAsync(10_000)
      await disposed
    }
    return { b, job, first: first!, state, send, dispose }
  }

  it('is a 409 naming the question asked again, while the job runs and after it ended', async () => {
    const { b, job, first, state, send, dispose } = await answeredThenTakenOver()
    expect(state.epoch).toBe(2)
    const [again] = state.pendingInputs
    expect(again).toMatchObject({ nodeId: 'ask', schema: { required: ['ok', 'reviewer'] } })
    expect(state.answeredInputs.find(input => input.requestId === first.requestId)?.answeredBy).toBe('u1')

    // Before: { stored: true }, for an answer the job did not take.
    const retried = await send(b.engine, first.requestId, { ok: true })
    expect(retried).toMatch(/^InputConflictError: .*was asked again under a new id \(at .*\).*answer the new request/)
    expect(retried).toMatch(/no longer fits/)
    // Another value, as before, is no answer to it either.
    expect(await send(b.engine, first.requestId, { ok: false })).toMatch(/^InputConflictError: .*was asked again under a new id/)

    const ending = send(b.engine, again!.requestId, { ok: true, reviewer: 'Ann' })
    await vi.advanceTimersByTimeAsync(2_000)
    expect(await ending).toEqual({ stored: true })
    expect((await b.engine.getJob('u1', job.id)).state.status).toBe('completed')
    const afterEnd = await send(b.engine, first.requestId, { ok: true })
    expect(afterEnd).toMatch(/^InputConflictError: .*was asked again under a new id.*its job has ended since/)

    await dispose()
  })

  it('the question asked again keeps the deadline it was first asked with', async () => {
    const { first, state, dispose } = await answeredThenTakenOver()
    const [again] = state.pendingInputs
    // Before: asked 3 s into the job (a whole new wait from the takeover), expiring 3 s later.
    expect(again!.askedAtJobMs).toBe(first.askedAtJobMs)
    expect(again!.expiresAt).toBe(first.expiresAt)
    await dispose()
  })
  it('the sender of the first answer, whose reply the lost owner never sent, reads the 409 from the new owner', async () => {
    const backend = createBackend()
    // A stores the answer B forwarded, then dies before its reply and its node's end land.
    const wrap = (provider: JobProvider): JobProvider => ({ ...diesBefore('node-end')(provider), replyToControl: () => new Promise<void>(() => {}) })
    const a = createEngineNode(backend, { instanceId: 'A', config: askTwiceConfig, workflows: [v1], wrap })
    const b = createEngineNode(backend, { instanceId: 'B', config: askTwiceConfig, workflows: [v2] })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'publish', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    const [first] = (await a.engine.getJob('u1', job.id)).state.pendingInputs
    const answering = b.engine.answerInput('u1', job.id, { requestId: first!.requestId, answer: { ok: true } }).then(outcome => outcome, (error: unknown) => `${(error as Error).name}: ${(error as Error).message}`)
    await vi.advanceTimersByTimeAsync(8_000)
    // B took the job over, read the control and answered it once the question was asked again. Before: { stored: true }.
    expect(await answering).toMatch(/^InputConflictError: .*was asked again under a new id .*no longer fits the question/)
    expect((await b.engine.getJob('u1', job.id)).state.pendingInputs.map(input => input.prompt)).toEqual(['Publish?'])
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
