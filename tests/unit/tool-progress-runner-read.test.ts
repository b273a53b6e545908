/**
 * The runner's own reads of its job's state do not store a call's progress sooner than its 250 ms
 * (docs/tool-progress.md#cost, decision 30): `RunContext.state()` and `textEnd()` flushed the whole
 * live job — every call's pending progress included — so a runner that read its state while a tool
 * reported (a workflow's parallel branch running its agent's rounds beside a tool node, a chat's
 * calls run side by side) stored an update at each read. A read now commits the pending text only,
 * which it needs whole; the progress goes out when due.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { z } from 'zod'
import type { JobEvent } from '../../shared/events'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { PROGRESS_INTERVAL_MS } from '../../server/lib/pending-progress'
import type { RunContext } from '../../server/lib/run-context'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { chatRequest, createTestEngine, wait } from '../support/engine-harness'

/** Reports every 10 ms for 5 s. */
const ticker = defineTool({
  name: 'ticker',
  description: 'Reports progress every 10 ms for 5 s.',
  parameters: z.object({}),
  timeoutMs: 60_000,
  async execute(_args, { progress, signal }) {
    for (let tick = 1; tick <= 500; tick++) {
      progress({ message: `tick ${tick}`, fraction: tick / 500 })
      await wait(10, signal)
    }
    return { ticks: 500 }
  },
})

/** Runs the ticker while it writes text and reads its own state every 20 ms, as a side-by-side branch would. */
async function tickAndRead(context: RunContext) {
  let running = true
  const call = executeToolCall(context, { id: 'call-1', name: 'ticker', args: {}, step: 1 }).finally(() => {
    running = false
  })
  let reads = 0
  while (running) {
    context.text('.')
    expect(context.state().content.length).toBeGreaterThan(reads)
    context.textEnd?.('content')
    reads++
    await wait(20, context.signal)
  }
  await call
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

it('a runner reading its state every 20 ms while a tool reports stores at most one update per 250 ms, and reads its whole text', async () => {
  const { engine, provider } = createTestEngine({ runners: { chat: tickAndRead }, tools: createToolRegistry([ticker]) })
  const { job } = await engine.createJob('u1', { request: chatRequest })
  await vi.advanceTimersByTimeAsync(6_000)
  await engine.whenSettled(job.id)
  const events = (await provider.readEvents(job.id, 0))!.events
  expect(events.at(-1)).toMatchObject({ type: 'job-end', status: 'completed' })
  const stored = events.filter((event): event is Extract<JobEvent, { type: 'tool-progress' }> => event.type === 'tool-progress')
  // Before: one at every read (about 250 in the 5 s).
  expect(stored.length).toBeLessThanOrEqual(21)
  expect(stored.length).toBeGreaterThanOrEqual(19)
  const gaps = stored.slice(1).map((event, index) => event.at - stored[index]!.at)
  expect(Math.min(...gaps)).toBeGreaterThanOrEqual(PROGRESS_INTERVAL_MS)
})
