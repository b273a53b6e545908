/**
 * The setup of the spent-validation-budget answer tests (answer-retry-spent-budget*.test.ts): a
 * two-question survey whose first answer was taken, then a refused workflow input of 10,001 wrong
 * items that spends the user's minute of refused problems. The budget is the process's, so each
 * test file (its own module graph) spends it once. Needs fake timers.
 */
import { expect, vi } from 'vitest'
import { z } from 'zod'
import { InvalidRequestError } from '../../server/lib/errors'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine, USER } from './workflow-engine'

/** Two questions; the first answer's schema as given. */
function survey(first: z.ZodType) {
  return defineWorkflow({
    name: 'survey',
    description: 'asks two questions',
    input: z.object({ tags: z.array(z.string()) }),
    nodes: {
      first: { kind: 'input', prompt: 'First?', schema: first },
      second: { kind: 'input', prompt: 'Second?', schema: z.object({ pick: z.string() }) },
      done: { kind: 'output', value: 'Done' },
    },
    edges: [['first', 'second'], ['second', 'done']],
  })
}

async function until(check: () => Promise<boolean>) {
  for (let attempt = 0; attempt < 100 && !await check(); attempt++) await vi.advanceTimersByTimeAsync(10)
}

/** A survey job whose first answer `{ pick: 'a' }` was taken, then a refused input that spends the budget. */
export async function firstTakenThenBudgetSpent(firstSchema: z.ZodType) {
  const world = createWorkflowEngine([survey(firstSchema)], { config: { limits: { createPerMinute: 0 } } })
  const { engine, start, state, requestOf } = world
  const jobId = await start('survey', { tags: [] })
  await until(async () => (await state(jobId)).pendingInputs.some(input => input.nodeId === 'first'))
  const first = await requestOf(jobId, 'first')
  await expect(engine.answerInput(USER, jobId, { requestId: first, answer: { pick: 'a' } })).resolves.toEqual({ stored: true })
  await until(async () => (await state(jobId)).pendingInputs.some(input => input.nodeId === 'second'))
  const taken = (await state(jobId)).nodeStates.first
  // One workflow input with 10,001 wrong items spends the minute's budget (over 10,000 problems).
  const refused = await engine.createJob(USER, { request: { type: 'workflow', workflow: 'survey', input: { tags: Array.from({ length: 10_001 }, () => 1) } }, limitRate: true }).catch((error: unknown) => error)
  expect(refused).toBeInstanceOf(InvalidRequestError)
  return { ...world, jobId, first, taken }
}
