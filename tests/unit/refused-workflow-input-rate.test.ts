/**
 * A workflow input its schema refuses counts against the creation rate (`limits.createPerMinute`,
 * and an anonymous client address's `anonymousCreatePerMinute`), and once the window is full the
 * body is not checked again. The schema is the app's: `z.array(z.string())` given 130,000 numbers
 * (a 256 KiB body) costs up to a second of zod work. Before, a 400 counted nothing, so one client
 * could send it again and again and keep the event loop busy; the test counts the schema's runs.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { InvalidRequestError, RateLimitError } from '../../server/lib/errors'
import { parseCountingWorkflow } from '../support/parse-counting-workflow'
import { createWorkflowEngine, USER } from '../support/workflow-engine'

const { tagged, parses } = parseCountingWorkflow()

const wrong = { tags: [1, 2, 3] }

beforeEach(() => {
  vi.useFakeTimers()
  parses.count = 0
})
afterEach(() => {
  vi.useRealTimers()
})

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return 'created'
  }
  catch (error) {
    if (error instanceof InvalidRequestError) return '400'
    if (error instanceof RateLimitError) return '429'
    throw error
  }
}

describe('a workflow input its schema refuses', () => {
  it('counts against createPerMinute; past it the input is not checked, until the window frees', async () => {
    const { engine } = createWorkflowEngine([tagged], { config: { limits: { createPerMinute: 3 } } })
    const create = (input: unknown) => engine.createJob(USER, { request: { type: 'workflow', workflow: 'tagged', input }, limitRate: true })
    const outcomes: string[] = []
    for (let index = 0; index < 10; index++) outcomes.push(await outcome(create(wrong)))
    // Three 400s fill the window; the fourth is checked, refused by the window, and the rest are not checked.
    expect(outcomes).toEqual(['400', '400', '400', '429', '429', '429', '429', '429', '429', '429'])
    expect(parses.count).toBe(4)
    const refused = await create({ tags: ['a'] }).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(RateLimitError)
    expect((refused as RateLimitError).message).toContain('limits.createPerMinute')
    expect((refused as RateLimitError).retryAfterSeconds).toBe(60)
    await vi.advanceTimersByTimeAsync(60_000)
    await expect(outcome(create({ tags: ['a'] }))).resolves.toBe('created')
    await engine.dispose()
  })

  it('counts against an anonymous client address too, whatever the user', async () => {
    const { engine } = createWorkflowEngine([tagged], { config: { limits: { anonymousCreatePerMinute: 2 } } })
    const outcomes: string[] = []
    for (let index = 0; index < 6; index++) {
      outcomes.push(await outcome(engine.createJob(`anon_${index}`, { request: { type: 'workflow', workflow: 'tagged', input: wrong }, limitRate: true, anonymousAddress: '203.0.113.7' })))
    }
    expect(outcomes).toEqual(['400', '400', '429', '429', '429', '429'])
    expect(parses.count).toBe(3)
    await engine.dispose()
  })

  it('is not counted without limitRate (a job the app starts itself)', async () => {
    const { engine } = createWorkflowEngine([tagged], { config: { limits: { createPerMinute: 1 } } })
    for (let index = 0; index < 3; index++) {
      await expect(outcome(engine.createJob(USER, { request: { type: 'workflow', workflow: 'tagged', input: wrong } }))).resolves.toBe('400')
    }
    await expect(outcome(engine.createJob(USER, { request: { type: 'workflow', workflow: 'tagged', input: { tags: [] } }, limitRate: true }))).resolves.toBe('created')
    await engine.dispose()
  })
})

describe('a refused workflow input while the store cannot count it', () => {
  it('is still the 400 naming the problem, not the store\'s 503', async () => {
    const { engine } = createWorkflowEngine([tagged], { config: { limits: { createPerMinute: 3 } } })
    const provider = engine.provider as { takeRate: (...args: unknown[]) => Promise<unknown> }
    provider.takeRate = async () => {
      throw new Error('the store is down')
    }
    const refused = engine.createJob(USER, { request: { type: 'workflow', workflow: 'tagged', input: wrong }, limitRate: true })
    await expect(refused).rejects.toBeInstanceOf(InvalidRequestError)
    await expect(refused).rejects.toThrow('Invalid workflow input: input.tags.0')
    await engine.dispose()
  })
})
