/**
 * A list of lists (or a record of lists) given ~130,000 wrong items within `limits.maxBodyBytes`
 * makes zod overflow the stack while it gathers their issues (it spreads an inner list's issues
 * into the outer one's). That is a refusal of the client's value like any other: the 400 must say
 * so, not quote the RangeError, and the work must cost the sender's budget of refused values
 * (validation-budget.ts), or the same request could be repeated at the creation or answer rate.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { InvalidAnswerError, InvalidRequestError, RateLimitError } from '../../server/lib/errors'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine } from '../support/workflow-engine'

let parses = 0
const counted = <Schema extends z.ZodType>(schema: Schema) => z.preprocess((value) => {
  parses++
  return value
}, schema)

const table = defineWorkflow({
  name: 'table',
  description: 'takes rows of cells',
  input: counted(z.object({ rows: z.array(z.array(z.string())) })),
  nodes: {
    ask: { kind: 'input', prompt: 'Cells by column?', schema: counted(z.record(z.string(), z.array(z.string()))) },
    done: { kind: 'output', value: 'Tabled' },
  },
  edges: [['ask', 'done']] as Array<[string, string]>,
})

/** 131,000 numbers where strings belong: about 256 KiB of JSON. */
const wrongCells = Array.from({ length: 131_000 }, () => 1)

beforeEach(() => {
  vi.useFakeTimers()
  parses = 0
})
afterEach(() => {
  vi.useRealTimers()
})

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return 'ok'
  }
  catch (error) {
    if (error instanceof InvalidRequestError || error instanceof InvalidAnswerError) return `400 ${error.message}`
    if (error instanceof RateLimitError) return '429'
    return `${(error as Error).name} ${(error as Error).message}`
  }
}

describe('a value with too many problems for zod\'s stack', () => {
  it('is a workflow input refused with a 400 that says so, and it spends the sender\'s budget', async () => {
    const { engine } = createWorkflowEngine([table], { config: { limits: { createPerMinute: 1000 } } })
    const create = () => engine.createJob('overflow-input-user', { request: { type: 'workflow', workflow: 'table', input: { rows: [wrongCells] } }, limitRate: true })
    const first = await refusal(create())
    expect(first).toMatch(/^400 Invalid workflow input: /)
    expect(first).not.toMatch(/call stack/i)
    expect(first).toMatch(/too many problems/)
    expect(await refusal(create())).toBe('429')
    expect(parses).toBe(1)
    await engine.dispose()
  })

  it('is an answer refused with a 400 that says so, and it spends the sender\'s budget; the job keeps waiting', async () => {
    const { engine } = createWorkflowEngine([table])
    const user = 'overflow-answer-user'
    const { job } = await engine.createJob(user, { request: { type: 'workflow', workflow: 'table', input: { rows: [] } } })
    await vi.advanceTimersByTimeAsync(10)
    parses = 0
    const requestId = (await engine.getJob(user, job.id)).state.pendingInputs[0]!.requestId
    const first = await refusal(engine.answerInput(user, job.id, { requestId, answer: { a: wrongCells } }))
    expect(first).toMatch(/^400 Invalid answer: /)
    expect(first).not.toMatch(/call stack/i)
    expect(first).toMatch(/too many problems/)
    expect(await refusal(engine.answerInput(user, job.id, { requestId, answer: { a: wrongCells } }))).toBe('429')
    expect(parses).toBe(1)
    expect((await engine.getJob(user, job.id)).state.status).toBe('waiting')
    await engine.dispose()
  })
})
