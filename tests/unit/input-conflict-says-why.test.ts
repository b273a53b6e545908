/**
 * A second tab (or a stale one) answers a question of a running job after it was settled. The 409
 * said `was already answered or expired` whatever had happened: the person could not tell whether
 * another tab had answered it (read the job for that answer) or nobody had in time (its timeout
 * answer was taken). It now says which, with when. A tab still showing a question that a takeover
 * voided and asked again under a new id got `is not pending for this job`: it now says the
 * question was asked again, to answer the new request.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { reduceEvents } from '../../shared/reducer'
import { createWorkflowEngine, USER } from '../support/workflow-engine'
import { startWorkflow } from '../support/workflow-fake-context'

const TIMEOUT_MS = 1_000
const START = Date.UTC(2026, 0, 2, 3, 4, 5)

const twoQuestions = defineWorkflow({
  name: 'two-questions',
  description: 'asks twice, so the job still runs after the first answer',
  input: z.object({}),
  nodes: {
    first: { kind: 'input', prompt: 'Ship it?', schema: z.object({ ok: z.boolean() }), timeoutMs: TIMEOUT_MS, onTimeout: 'default', timeoutAnswer: { ok: false } },
    second: { kind: 'input', prompt: 'Sure?', schema: z.boolean() },
    done: { kind: 'output', value: 'first: {{outputs.first.ok}}, second: {{outputs.second}}' },
  },
  edges: [['first', 'second'], ['second', 'done']],
})

beforeEach(() => {
  vi.useFakeTimers({ now: START })
})
afterEach(() => {
  vi.useRealTimers()
})

async function askedFirst() {
  const workflow = createWorkflowEngine([twoQuestions])
  const jobId = await workflow.start('two-questions')
  await vi.advanceTimersByTimeAsync(10)
  return { ...workflow, jobId, requestId: await workflow.requestOf(jobId, 'first') }
}

describe('an answer to a question settled already', () => {
  it('says another answer was taken, and when', async () => {
    const { engine, jobId, requestId, requestOf } = await askedFirst()
    await engine.answerInput(USER, jobId, { requestId, answer: { ok: true } })
    await vi.advanceTimersByTimeAsync(10)
    await requestOf(jobId, 'second')
    const late = engine.answerInput(USER, jobId, { requestId, answer: { ok: false } })
    await expect(late).rejects.toMatchObject({ statusCode: 409, message: `Input request ${requestId} was already answered (at 2026-01-02T03:04:05.010Z): read the job again for the answer taken` })
    await engine.dispose()
  })

  it('says nobody answered in time and the timeout answer was taken', async () => {
    const { engine, jobId, requestId, requestOf } = await askedFirst()
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS)
    await requestOf(jobId, 'second')
    const late = engine.answerInput(USER, jobId, { requestId, answer: { ok: true } })
    await expect(late).rejects.toMatchObject({ statusCode: 409, message: `Input request ${requestId} expired (at 2026-01-02T03:04:06.000Z): nobody answered in time, so its timeout answer was taken` })
    await engine.dispose()
  })

  it('says a question a takeover voided was asked again under a new id', async () => {
    const first = startWorkflow(twoQuestions, {})
    const voidedId = await first.nextInput()
    const before = first.state()
    const voided = reduceEvents(before, [{ type: 'input-response', requestId: voidedId, answer: null, answeredAt: START + 20, answeredBy: 'system:owner-lost', nodeId: 'first', seq: before.seq + 1, at: START + 20 }])
    first.abort()
    await first.done
    const resumed = startWorkflow(twoQuestions, {}, { resumedFrom: voided, continueLog: true })
    const askedAgain = await resumed.nextInput()
    expect(askedAgain).not.toBe(voidedId)
    expect(() => resumed.inputs.answer(voidedId, { ok: true }, USER)).toThrow(`Input request ${voidedId} was asked again under a new id (at 2026-01-02T03:04:05.020Z), after another server took the job over: read the job again and answer the new request`)
    resumed.abort()
    await resumed.done
  })
})
