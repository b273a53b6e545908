/**
 * Refused workflow inputs and input-node answers cost their sender a per-minute budget of issues
 * (validation-budget.ts). The schemas are the app's: `z.array(z.string())` given 130,000 numbers
 * (a 256 KiB body) costs zod up to a second, and the rate limits alone (60 creations, 120 answers
 * a minute) let one user repeat that all the time. The tests count the schema's runs.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { InvalidAnswerError, InvalidRequestError, RateLimitError } from '../../server/lib/errors'
import { createValidationBudget, VALIDATION_ISSUES_PER_MINUTE } from '../../server/lib/validation-budget'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine } from '../support/workflow-engine'

let parses = 0
const counted = <Schema extends z.ZodType>(schema: Schema) => z.preprocess((value) => {
  parses++
  return value
}, schema)

const tagged = defineWorkflow({
  name: 'tagged',
  description: 'asks for tags',
  input: counted(z.object({ tags: z.array(z.string()) })),
  nodes: {
    ask: { kind: 'input', prompt: 'Tags?', schema: counted(z.array(z.string())) },
    done: { kind: 'output', value: 'Tagged' },
  },
  edges: [['ask', 'done']] as Array<[string, string]>,
})

/** More than half the budget: the second such value spends it. */
const wrongItems = Array.from({ length: Math.ceil(VALIDATION_ISSUES_PER_MINUTE * 0.6) }, () => 1)

beforeEach(() => {
  vi.useFakeTimers()
  parses = 0
})
afterEach(() => {
  vi.useRealTimers()
})

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return 'ok'
  }
  catch (error) {
    if (error instanceof InvalidRequestError || error instanceof InvalidAnswerError) return '400'
    if (error instanceof RateLimitError) return '429'
    throw error
  }
}

describe('the budget of refused values', () => {
  it('refuses a client\'s workflow inputs unchecked once its refused ones had too many problems, for the rest of the minute', async () => {
    const { engine } = createWorkflowEngine([tagged], { config: { limits: { createPerMinute: 1000 } } })
    const create = (userId: string, tags: unknown) => engine.createJob(userId, { request: { type: 'workflow', workflow: 'tagged', input: { tags } }, limitRate: true })
    const outcomes: string[] = []
    for (let index = 0; index < 10; index++) outcomes.push(await outcome(create('budget-input-user', wrongItems)))
    expect(outcomes).toEqual(['400', '400', '429', '429', '429', '429', '429', '429', '429', '429'])
    expect(parses).toBe(2)
    // Another user is not held back; a job the app starts itself (no limitRate) is not either.
    await expect(outcome(create('budget-input-other', ['a']))).resolves.toBe('ok')
    await expect(outcome(engine.createJob('budget-input-user', { request: { type: 'workflow', workflow: 'tagged', input: { tags: ['a'] } } }))).resolves.toBe('ok')
    await vi.advanceTimersByTimeAsync(60_000)
    await expect(outcome(create('budget-input-user', ['a']))).resolves.toBe('ok')
    await engine.dispose()
  })

  it('refuses a user\'s answers unchecked once its refused ones had too many problems; the job keeps waiting', async () => {
    const { engine } = createWorkflowEngine([tagged])
    const user = 'budget-answer-user'
    const { job } = await engine.createJob(user, { request: { type: 'workflow', workflow: 'tagged', input: { tags: [] } } })
    await vi.advanceTimersByTimeAsync(10)
    parses = 0
    const requestId = (await engine.getJob(user, job.id)).state.pendingInputs[0]!.requestId
    const outcomes: string[] = []
    for (let index = 0; index < 10; index++) outcomes.push(await outcome(engine.answerInput(user, job.id, { requestId, answer: wrongItems })))
    expect(outcomes).toEqual(['400', '400', '429', '429', '429', '429', '429', '429', '429', '429'])
    expect(parses).toBe(2)
    expect((await engine.getJob(user, job.id)).state.status).toBe('waiting')
    await vi.advanceTimersByTimeAsync(60_000)
    await expect(outcome(engine.answerInput(user, job.id, { requestId, answer: ['a'] }))).resolves.toBe('ok')
    await engine.dispose()
  })

  it('counts the problems of every check of an answer sent with a reason, not only the first', async () => {
    // `POST …/input` puts a reason beside an answer that is no object (`{ answer, reason }`): the
    // first check fails on the wrapper alone (1 problem), and the answer itself is checked again
    // without it, where its wrong items are. Those must cost the budget too.
    const { engine } = createWorkflowEngine([tagged])
    const user = 'budget-reason-user'
    const { job } = await engine.createJob(user, { request: { type: 'workflow', workflow: 'tagged', input: { tags: [] } } })
    await vi.advanceTimersByTimeAsync(10)
    parses = 0
    const requestId = (await engine.getJob(user, job.id)).state.pendingInputs[0]!.requestId
    const outcomes: string[] = []
    for (let index = 0; index < 10; index++) outcomes.push(await outcome(engine.answerInput(user, job.id, { requestId, answer: { answer: wrongItems, reason: 'because' } })))
    expect(outcomes).toEqual(['400', '400', '429', '429', '429', '429', '429', '429', '429', '429'])
    expect(parses).toBe(6)
    expect((await engine.getJob(user, job.id)).state.status).toBe('waiting')
    await engine.dispose()
  })

  it('never holds back a user who sends a few wrong values', () => {
    const clock = { now: 0 }
    const budget = createValidationBudget(() => clock.now)
    for (let index = 0; index < 120; index++) {
      budget.assertRoom('user')
      budget.spend('user', 3)
    }
    expect(() => budget.assertRoom('user')).not.toThrow()
  })
})

describe('the budget\'s boundary', () => {
  it('refuses only once the minute\'s problems are over the budget, as its message says', () => {
    const clock = { now: 0 }
    const budget = createValidationBudget(() => clock.now)
    budget.spend('user', VALIDATION_ISSUES_PER_MINUTE - 1)
    expect(() => budget.assertRoom('user')).not.toThrow()
    budget.spend('user', 1)
    // Exactly the budget: not over it yet.
    expect(() => budget.assertRoom('user')).not.toThrow()
    budget.spend('user', 1)
    expect(() => budget.assertRoom('user')).toThrow(`the values you sent in the last minute had over ${VALIDATION_ISSUES_PER_MINUTE} problems`)
  })
})
