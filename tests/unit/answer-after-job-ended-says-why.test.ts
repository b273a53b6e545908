/**
 * An answer to a question that was settled before its job ended — another tab answered it, or its
 * timeout answer was taken, and the job then finished — was refused `409 … belongs to a job that
 * has ended`, though while the job ran the same answer learnt what happened (`was already answered
 * (at …)`, `expired (at …)`). The 409 now says that for an ended job too, adding `; its job has ended
 * since` (the demo's answer box then does not say the job goes on); a question the job was
 * still waiting on when it ended (an abort) keeps "belongs to a job that has ended".
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine, USER } from '../support/workflow-engine'
import { answerConflictText } from '../../demo/app/lib/input-conflict'

beforeEach(() => { vi.useFakeTimers() })
afterEach(() => { vi.useRealTimers() })

const asking = defineWorkflow({
  name: 'ask',
  description: 'one question',
  input: z.object({}),
  nodes: { ask: { kind: 'input', prompt: 'ok?', schema: z.object({ ok: z.boolean() }), timeoutMs: 1000, onTimeout: 'default', timeoutAnswer: { ok: false } }, out: { kind: 'output', value: '{{outputs.ask.ok}}' } },
  edges: [['ask', 'out']],
})

async function refusal(promise: Promise<unknown>): Promise<{ statusCode?: number, message: string }> {
  return await promise.then(() => { throw new Error('expected a refusal') }, (error: { statusCode?: number, message: string }) => error)
}

describe('an answer to a settled question of a job that has ended', () => {
  it('reads in the demo as answered, with the job ended', () => {
    expect(answerConflictText('Input request r1 was already answered (at 2026-12-02T14:04:05.000Z): read the job again for the answer taken; its job has ended since', 'workflow-input', date => `<${date.toISOString()}>`))
      .toBe('This question was already answered at <2026-12-02T14:04:05.000Z>, and the job has ended since.')
  })

  it('says it expired when its timeout answer was taken', async () => {
    const { engine, start, state, requestOf } = createWorkflowEngine([asking])
    const id = await start('ask')
    await vi.advanceTimersByTimeAsync(10)
    const requestId = await requestOf(id, 'ask')
    await vi.advanceTimersByTimeAsync(2000)
    expect((await state(id)).status).toBe('completed')
    const refused = await refusal(engine.answerInput(USER, id, { requestId, answer: { ok: true } }))
    expect(refused.statusCode).toBe(409)
    expect(refused.message).toMatch(/^Input request \S+ expired \(at \S+\): nobody answered in time, so its timeout answer was taken; its job has ended since$/)
  })

  it('says it was already answered when another tab answered it', async () => {
    const { engine, start, state, requestOf } = createWorkflowEngine([asking])
    const id = await start('ask')
    await vi.advanceTimersByTimeAsync(10)
    const requestId = await requestOf(id, 'ask')
    await engine.answerInput(USER, id, { requestId, answer: { ok: true } })
    await vi.advanceTimersByTimeAsync(10)
    expect((await state(id)).status).toBe('completed')
    const refused = await refusal(engine.answerInput(USER, id, { requestId, answer: { ok: false } }))
    expect(refused.statusCode).toBe(409)
    expect(refused.message).toMatch(/^Input request \S+ was already answered \(at \S+\): read the job again for the answer taken; its job has ended since$/)
  })

  it('still says the job has ended for a question it was waiting on', async () => {
    const { engine, start, state, requestOf } = createWorkflowEngine([asking])
    const id = await start('ask')
    await vi.advanceTimersByTimeAsync(10)
    const requestId = await requestOf(id, 'ask')
    await engine.abortJob(USER, id)
    await vi.advanceTimersByTimeAsync(10)
    expect((await state(id)).status).toBe('aborted')
    expect((await refusal(engine.answerInput(USER, id, { requestId, answer: { ok: true } }))).message).toMatch(/belongs to a job that has ended$/)
  })
})
