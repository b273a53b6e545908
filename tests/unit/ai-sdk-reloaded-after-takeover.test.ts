/**
 * A chat reloaded from the instance that took its job over (`recovery.chat = continue`) while it
 * runs the job there: that instance holds the job's log only from where it took it (its run starts
 * from the stored state), so the messages route and `readChatMessages` there (and a
 * `resumeStream()` it serves) read the answer from a snapshot, not its events. Before, such an
 * answer lost its rounds — no `step-start` parts, the reasoning, the tools, then all the text in
 * one part — while the same chat read on any other instance had them. Now both give the parts of
 * the job's stored events. Two engines share one memory store (fake timers): `a` runs a tool round
 * and dies in the next; `b` takes the chat over; `c` reads the store.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { readChatMessagesOf } from '../../server/lib/ai-sdk/read-chat-messages'
import { resolveConfig } from '../../server/lib/config'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { defineTool } from '../../server/utils/define-tool'
import { diesAfterRenewal } from '../support/dies-after-renewal'
import { createSharedMemoryEngine, sharedMemory } from '../support/shared-memory'
import type { ModelStep } from '../support/step-model'
import { createStepModel, hangingStep, toolStep } from '../support/step-model'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const config = resolveConfig({ upstream: { apiKey: 'sk-test-0123456789abcdef' }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, recovery: { chat: 'continue' }, limits: { jobTimeoutMs: 3_600_000 } })
const tools = [defineTool({ name: 'get_time', description: 'The time', parameters: z.object({}), execute: () => '12:00' })]

/** A round that writes `text`, then waits until the job is stopped. */
function writesThenHangs(text: string): ModelStep {
  return (_request, signal) => ({
    async* [Symbol.asyncIterator]() {
      yield { type: 'text-delta' as const, text }
      await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))
    },
  })
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

it('the taking-over instance gives the answer the job\'s stored events give, round by round', async () => {
  const store = createMemoryProvider()
  const b = createSharedMemoryEngine({ provider: sharedMemory(store), instanceId: 'b', config, chat: runChatJob, model: createStepModel([writesThenHangs('It is noon.')]), tools })
  await vi.advanceTimersByTimeAsync(1)
  const died = { at: null as number | null }
  // Reasoning again after its text (decision 43): a part of its own, on both instances.
  const firstRound = [{ type: 'reasoning-delta' as const, text: 'Need the time.' }, { type: 'text-delta' as const, text: 'Let me check.' }, { type: 'reasoning-delta' as const, text: 'The clock tool.' }, ...toolStep([{ id: 'c1', name: 'get_time' }])]
  const a = createSharedMemoryEngine({ provider: diesAfterRenewal(died)(sharedMemory(store)), instanceId: 'a', config, chat: runChatJob, model: createStepModel([firstRound, hangingStep()]), tools })
  const { job } = await a.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'What time is it?' }], tools: ['get_time'] }, threadId: 'chat-taken-over', messageId: 'u-1' })
  for (let step = 0; step < 1_000 && (await store.get(job.id))?.lease?.instanceId !== 'b'; step++) await vi.advanceTimersByTimeAsync(10)
  expect(died.at).not.toBeNull()
  // `b` runs the round again and writes; its writes reach the store (a few persist intervals).
  for (let step = 0; step < 1_000 && !(await store.getState(job.id))?.content.endsWith('It is noon.'); step++) await vi.advanceTimersByTimeAsync(10)

  // Read on another instance: the store's whole log, as its events.
  const c = createSharedMemoryEngine({ provider: sharedMemory(store), instanceId: 'c', config, chat: runChatJob, tools })
  const elsewhere = await readChatMessagesOf(c, 'u1', 'chat-taken-over', { metadata: false })
  expect(elsewhere[1]!.parts.map(part => part.type)).toEqual(['step-start', 'reasoning', 'text', 'reasoning', 'tool-get_time', 'step-start', 'step-start', 'text'])
  // Read on `b`, which runs the job from the state it took over.
  const here = await readChatMessagesOf(b, 'u1', 'chat-taken-over', { metadata: false })
  // Before: ['reasoning', 'tool-get_time', 'text'], the text of both rounds in one part.
  expect(here).toEqual(elsewhere)
  await b.abortJob('u1', job.id)
  await c.dispose()
  await b.dispose()
})
