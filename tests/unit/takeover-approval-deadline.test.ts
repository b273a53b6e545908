/**
 * A workflow tool node's approval asked again after a takeover keeps the deadline it was first
 * asked with, as a question does (takeover-question-deadline): three engines share one memory
 * provider (fake timers). The `ship` workflow's tool node asks its approval (`limits.inputTimeoutMs`
 * 300 s); 200 s in, its owner hands the job off; the new owner runs the call again
 * (`ship-1-attempt-2`) and asks its approval with the 100 s it had left, not a whole new 300 s; a
 * second takeover still counts from the first asking, and nobody answering denies the call then.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createSharedMemoryEngine, sharedMemory } from '../support/shared-memory'

const config = resolveConfig({ lease: { durationMs: 3_000, heartbeatMs: 1_000 }, limits: { jobTimeoutMs: 3_600_000, inputTimeoutMs: 300_000 } })
const deploy = defineTool({ name: 'deploy', description: 'deploys', parameters: z.object({ target: z.string() }), needsApproval: true, execute: ({ target }) => `deployed ${target}` })
const ship = defineWorkflow({
  name: 'ship',
  description: 'deploys once approved',
  input: z.object({}),
  nodes: { ship: { kind: 'tool', tool: 'deploy', args: { target: 'prod' }, continueOnError: true }, out: { kind: 'output', value: '{{outputs.ship.status}}' } },
  edges: [['ship', 'out']],
})

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

it('asks the call run again for approval with what was left of its wait, across two takeovers', async () => {
  const store = createMemoryProvider()
  const [a, b, c] = ['a', 'b', 'c'].map(instanceId => createSharedMemoryEngine({ provider: sharedMemory(store), instanceId, config, tools: [deploy], workflows: [ship] }))
  const { job } = await a!.createJob('u1', { request: { type: 'workflow', workflow: 'ship', input: {} } })
  await vi.advanceTimersByTimeAsync(200_000)
  const [first] = (await a!.getJob('u1', job.id)).state.pendingInputs
  expect(first).toMatchObject({ kind: 'tool-approval', toolCallId: 'ship-1' })
  await a!.dispose() // a rolling deploy hands the waiting workflow off
  expect(await b!.recover()).toBe(1)
  await vi.advanceTimersByTimeAsync(0)
  const [again] = (await b!.getJob('u1', job.id)).state.pendingInputs
  expect(again).toMatchObject({ kind: 'tool-approval', toolCallId: 'ship-1-attempt-2', askedAtJobMs: first!.askedAtJobMs })
  // Before: 300 000 (a whole new wait).
  expect(again!.expiresAt - again!.requestedAt).toBe(100_000)
  await vi.advanceTimersByTimeAsync(50_000)
  await b!.dispose()
  expect(await c!.recover()).toBe(1)
  await vi.advanceTimersByTimeAsync(0)
  const [third] = (await c!.getJob('u1', job.id)).state.pendingInputs
  expect(third).toMatchObject({ toolCallId: 'ship-1-attempt-3' })
  // Its 50 s waiting on b were a wait for a human, not node time (node-time-used.ts).
  expect((await c!.getJob('u1', job.id)).state.nodeStates.ship?.usedMs).toBeUndefined()
  expect(third!.expiresAt - third!.requestedAt).toBe(50_000)
  await vi.advanceTimersByTimeAsync(49_000)
  expect((await c!.getJob('u1', job.id)).state.status).toBe('waiting')
  await vi.advanceTimersByTimeAsync(1_000)
  await c!.whenSettled(job.id)
  expect((await c!.getJob('u1', job.id)).state).toMatchObject({ status: 'completed', content: 'denied' })
  await c!.dispose()
})

it('asks a whole wait when a deploy changed what the call asks (other arguments)', async () => {
  const store = createMemoryProvider()
  const staging = defineWorkflow({ ...ship, nodes: { ...ship.nodes, ship: { ...ship.nodes.ship, args: { target: 'staging' } } } } as never)
  const a = createSharedMemoryEngine({ provider: sharedMemory(store), instanceId: 'a', config, tools: [deploy], workflows: [ship] })
  const b = createSharedMemoryEngine({ provider: sharedMemory(store), instanceId: 'b', config, tools: [deploy], workflows: [staging] })
  const { job } = await a.createJob('u1', { request: { type: 'workflow', workflow: 'ship', input: {} } })
  await vi.advanceTimersByTimeAsync(200_000)
  await a.dispose()
  expect(await b.recover()).toBe(1)
  await vi.advanceTimersByTimeAsync(0)
  const [again] = (await b.getJob('u1', job.id)).state.pendingInputs
  expect(again).toMatchObject({ toolCallId: 'ship-1-attempt-2', args: { target: 'staging' } })
  expect(again!.expiresAt - again!.requestedAt).toBe(300_000)
  await b.dispose()
})
