/**
 * The takeover of a parallel node's agent end to end: two engines share one memory provider (fake
 * timers). The first owner's `pay` agent charged in its first round and was handed off while its
 * answer streamed (held, as a branch's text is, so none of it was in the job's content). The owner
 * taking over goes on from the stored tool round (decision 38): the charge is not made again and
 * the job's content holds the node's text once. Before, `pay` ran from scratch and charged twice.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { ModelClient } from '../../server/lib/model/types'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { chargeTool, chargingFan, chargingModel } from '../support/charging-fan'
import { createSharedMemoryEngine, sharedMemory } from '../support/shared-memory'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, limits: { jobTimeoutMs: 3_600_000 } })

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

it('goes on from the stored tool round of a parallel node\'s agent handed off mid-answer: one charge', async () => {
  const { tool, charges } = chargeTool()
  const store = createMemoryProvider()
  const [modelA, modelB] = [chargingModel(['Charged'], true), chargingModel(['Charged once.'])]
  const engine = (instanceId: string, client: ModelClient) => createSharedMemoryEngine({ provider: sharedMemory(store), instanceId, config, model: client, workflows: [chargingFan], tools: [tool] })
  const [a, b] = [engine('a', modelA), engine('b', modelB)]
  const { job } = await a.createJob('u1', { request: { type: 'workflow', workflow: 'fan', input: {} } })
  await vi.advanceTimersByTimeAsync(1_000)
  expect(modelA.requests).toHaveLength(2)
  expect(charges.count).toBe(1)
  await a.dispose() // hands the job off while pay's answer streams
  expect(await b.recover()).toBe(1)
  await vi.advanceTimersByTimeAsync(1_000)
  await b.whenSettled(job.id)
  const { state } = await b.getJob('u1', job.id)
  expect(state.status).toBe('completed')
  // Before: 2, and b's model was asked anew ([system, user]).
  expect(charges.count).toBe(1)
  expect(modelB.requests.map(request => request.messages.map(message => message.role))).toEqual([['system', 'user', 'assistant', 'tool']])
  expect(state.content).toBe('Noted.\n\nCharging.\n\nCharged once.\n\nPaid: Charged once.')
  expect(state.toolCalls.map(call => [call.name, call.status])).toEqual([['charge', 'completed']])
  await b.dispose()
})
