/**
 * A question asked again after a takeover keeps the deadline it was first asked with: two (then
 * three) engines share one memory provider (fake timers, the provider's clock among them). The
 * `ask` workflow's question (`limits.inputTimeoutMs` 300 s, well inside the job's time limit)
 * waited 200 s when its owner handed the job off; the new owner asks it again with the 100 s it had
 * left, not a whole new 300 s, and nobody answering then fails the job `input-timeout`. A second
 * takeover still counts from the first asking.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { createSharedMemoryEngine, sharedMemory } from '../support/shared-memory'

const config = resolveConfig({ lease: { durationMs: 3_000, heartbeatMs: 1_000 }, limits: { jobTimeoutMs: 3_600_000, inputTimeoutMs: 300_000 } })
const askRequest = { request: { type: 'workflow' as const, workflow: 'ask', input: {} } }

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

it('asks again with what was left of its wait, across two takeovers', async () => {
  const store = createMemoryProvider()
  const [a, b, c] = ['a', 'b', 'c'].map(instanceId => createSharedMemoryEngine({ provider: sharedMemory(store), instanceId, config }))
  const { job } = await a!.createJob('u1', askRequest)
  await vi.advanceTimersByTimeAsync(200_000)
  expect((await a!.getJob('u1', job.id)).state.status).toBe('waiting')
  await a!.dispose() // a rolling deploy hands the waiting workflow off
  expect(await b!.recover()).toBe(1)
  await vi.advanceTimersByTimeAsync(0)
  const [again] = (await b!.getJob('u1', job.id)).state.pendingInputs
  // Before: 300 000 (a whole new wait).
  expect(again!.expiresAt - again!.requestedAt).toBe(100_000)
  await vi.advanceTimersByTimeAsync(50_000)
  await b!.dispose()
  expect(await c!.recover()).toBe(1)
  await vi.advanceTimersByTimeAsync(0)
  const [third] = (await c!.getJob('u1', job.id)).state.pendingInputs
  expect(third!.expiresAt - third!.requestedAt).toBe(50_000)
  await vi.advanceTimersByTimeAsync(49_000)
  expect((await c!.getJob('u1', job.id)).state.status).toBe('waiting')
  await vi.advanceTimersByTimeAsync(1_000)
  await c!.whenSettled(job.id)
  expect((await c!.getJob('u1', job.id)).state).toMatchObject({ status: 'failed', epoch: 3, error: { code: 'input-timeout' } })
  await c!.dispose()
})
