/**
 * The same answer sent again by the user the job took it from — the retry of a 503 that went
 * through, or of a response lost on its way back — is `200 { ok: true, stored: true }` (api.md,
 * stored-answer.ts). But the budget of refused problems (validation-budget.ts) was checked first:
 * once the user's refused values had spent it, that retry was a 429 "Too many problems in refused
 * values", though the answer had been taken and there was nothing to check, so the client was told
 * its answer had not gone through. A retry of a taken answer is now recognised before the budget;
 * a new answer is still refused unchecked.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { RateLimitError } from '../../server/lib/errors'
import { firstTakenThenBudgetSpent } from '../support/spent-budget-survey'
import { USER } from '../support/workflow-engine'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('the same answer again once refused values spent the validation budget', () => {
  it('is the answer taken (stored), not a 429; a new answer is still refused', async () => {
    const { engine, state, requestOf, jobId, first } = await firstTakenThenBudgetSpent(z.object({ pick: z.string() }))

    // The retry of the first answer (its response was lost) is that answer, stored.
    await expect(engine.answerInput(USER, jobId, { requestId: first, answer: { pick: 'a' } })).resolves.toEqual({ stored: true })
    // A new answer is refused unchecked until the minute is over.
    const second = await engine.answerInput(USER, jobId, { requestId: await requestOf(jobId, 'second'), answer: { pick: 'b' } }).catch((error: unknown) => error)
    expect(second).toBeInstanceOf(RateLimitError)
    expect((second as Error).message).toMatch(/Too many problems in refused values/)
    expect((await state(jobId)).status).toBe('waiting')
    await engine.dispose()
  })
})
