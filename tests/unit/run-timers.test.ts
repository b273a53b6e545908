/**
 * Every time limit a job sets is a timer of its run's TimerSet: the tool deadline, a workflow
 * node's limit, the model client's retry delay and first-token/stall limits. So they count in
 * `engine.stats().jobTimers` while pending and are gone when they settle (fake timers drive them).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { runWithDeadline } from '../../server/lib/executor/run-with-deadline'
import { createModelClient } from '../../server/lib/model/client'
import type { ModelEvent } from '../../server/lib/model/types'
import { createTimerSet } from '../../server/lib/timers'
import type { TimerSet } from '../../server/lib/timers'
import { runWithNodeTimeout } from '../../server/lib/workflows/node-timeout'
import { defineTool } from '../../server/utils/define-tool'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel } from '../support/step-model'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  expect(vi.getTimerCount()).toBe(0)
  vi.useRealTimers()
})

const never = () => new Promise<never>(() => {})

describe('run timers', () => {
  it('a tool call\'s deadline is a timer of the run, cleared when it fires', async () => {
    const hang = defineTool({ name: 'hang', description: 'Never answers', parameters: z.object({}), timeoutMs: 1_000, execute: never })
    const fake = createFakeRunContext({ model: createStepModel([]), tools: [hang] })
    const outcome = executeToolCall(fake.context, { id: 'c1', name: 'hang', args: {}, step: 1 })
    await vi.advanceTimersByTimeAsync(0)
    expect(fake.context.timers.size).toBe(1)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(await outcome).toMatchObject({ status: 'timeout' })
    expect(fake.context.timers.size).toBe(0)
  })

  it('a workflow node\'s time limit is a timer of the run, cleared when the node ends first', async () => {
    const timers = createTimerSet()
    const node = runWithNodeTimeout(async () => 'done', { parentSignal: new AbortController().signal, timeoutMs: 5_000, timeoutError: () => new Error('late'), timers })
    expect(timers.size).toBe(1)
    expect(await node).toBe('done')
    expect(timers.size).toBe(0)
  })

  it('the model client\'s retry delay and first-token limit are timers of the set it was given', async () => {
    const timers: TimerSet = createTimerSet()
    let calls = 0
    const ok = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`
    const client = createModelClient({
      baseUrl: 'https://upstream.test/v1',
      fetch: async () => (++calls === 1 ? new Response('busy', { status: 503 }) : new Response(ok, { status: 200 })),
      firstTokenTimeoutMs: 10_000,
      stallTimeoutMs: 10_000,
      maxRetries: 1,
      retryBaseDelayMs: 500,
      timers,
    })
    const events: ModelEvent[] = []
    const done = (async () => {
      for await (const event of client.stream({ model: 'm', messages: [] }, new AbortController().signal)) events.push(event)
    })()
    await vi.advanceTimersByTimeAsync(0)
    expect(calls).toBe(1)
    expect(timers.size).toBe(1) // the retry delay (the failed attempt's first-token timer is gone)
    await vi.advanceTimersByTimeAsync(500)
    await done
    expect(calls).toBe(2)
    expect(events).toContainEqual({ type: 'text-delta', text: 'Hi' })
    expect(timers.size).toBe(0)
  })

  it('the engine gives each run its TimerSet: a pending deadline shows in stats().jobTimers', async () => {
    const { engine } = createTestEngine({
      runners: {
        chat: async (context) => {
          await runWithDeadline(never, { jobSignal: context.signal, timeoutMs: 2_000, timers: context.timers })
        },
      },
    })
    const { job } = await engine.createJob('user-1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(0)
    // The job's own time limit, and the deadline.
    expect(engine.stats().jobTimers).toBe(2)
    await vi.advanceTimersByTimeAsync(2_000)
    await engine.whenSettled(job.id)
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
    await engine.dispose()
  })
})
