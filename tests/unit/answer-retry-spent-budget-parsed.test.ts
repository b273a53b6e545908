/**
 * The same answer sent again once the user's refused values spent the validation budget is the
 * answer taken, not a 429 (answer-retry-spent-budget.test.ts) — also when the input node's schema
 * changed what was sent (a default filled in), as the same answer is judged everywhere else
 * (workflows/answer-as-read.ts). The budget's check compared it as sent: the retry of a taken
 * answer was refused `429 Too many problems in refused values`, telling the client its answer had
 * not gone through.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { firstTakenThenBudgetSpent } from '../support/spent-budget-survey'
import { USER } from '../support/workflow-engine'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('the same answer again, read with a default by its schema, once the validation budget is spent', () => {
  it('is the answer taken (stored), not a 429', async () => {
    const { engine, jobId, first, taken } = await firstTakenThenBudgetSpent(z.object({ pick: z.string(), note: z.string().default('') }))
    expect(taken).toMatchObject({ output: { pick: 'a', note: '' } })

    // The retry of the first answer (its response was lost), as the client sent it.
    const again = await engine.answerInput(USER, jobId, { requestId: first, answer: { pick: 'a' } }).catch((error: unknown) => `${(error as Error).name}: ${(error as Error).message}`)
    expect(again).toEqual({ stored: true })
    await engine.dispose()
  })
})
