/**
 * An agent node's `maxSteps` holds across a takeover: two engines share one memory provider (fake
 * timers). The node (maxSteps 3) ran two rounds of tool calls on its first owner and was cut off
 * in its third when the owner handed the job off; the new owner's run of the node goes on counting
 * from the rounds the log shows (as a continued chat does), so a model that keeps calling tools is
 * stopped after one more round, not after three more.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import type { ModelClient, ModelEvent } from '../../server/lib/model/types'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createSharedMemoryEngine, sharedMemory } from '../support/shared-memory'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, limits: { jobTimeoutMs: 3_600_000 } })
const lookup = defineTool({ name: 'lookup', description: 'Looks up', parameters: z.object({ round: z.number() }), execute: ({ round }) => `found ${round}` })
const research = defineWorkflow({
  name: 'research',
  description: 'research → done',
  input: z.object({}),
  nodes: {
    research: { kind: 'agent', instructions: 'Research.', tools: ['lookup'], maxSteps: 3 },
    done: { kind: 'output', value: 'done' },
  },
  edges: [['research', 'done']],
})

/** A model that calls `lookup` every round; from round `hangFrom` on it streams until its signal fires. */
function lookingModel(hangFrom = Number.POSITIVE_INFINITY): ModelClient & { rounds: number } {
  const model = {
    scripted: false,
    rounds: 0,
    async* stream(_request: unknown, signal: AbortSignal): AsyncIterable<ModelEvent> {
      const round = ++model.rounds
      if (round >= hangFrom) await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))
      yield { type: 'tool-call', call: { id: `call-${round}`, name: 'lookup', arguments: JSON.stringify({ round }) } }
      yield { type: 'finish', finishReason: 'tool_calls' }
    },
  }
  return model
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

it('goes on counting an agent node\'s rounds after a takeover: maxSteps holds across owners', async () => {
  const store = createMemoryProvider()
  const [modelA, modelB] = [lookingModel(3), lookingModel()]
  const engine = (instanceId: string, model: ModelClient) => createSharedMemoryEngine({ provider: sharedMemory(store), instanceId, config, model, tools: [lookup], workflows: [research] })
  const [a, b] = [engine('a', modelA), engine('b', modelB)]
  const { job } = await a.createJob('u1', { request: { type: 'workflow', workflow: 'research', input: {} } })
  await vi.advanceTimersByTimeAsync(1_000)
  expect(modelA.rounds).toBe(3)
  await a.dispose() // hands the job off in the node's third round
  expect(await b.recover()).toBe(1)
  await vi.advanceTimersByTimeAsync(1_000)
  await b.whenSettled(job.id)
  const { state } = await b.getJob('u1', job.id)
  expect(state).toMatchObject({ status: 'failed', error: { code: 'max-steps', nodeId: 'research' } })
  // Before: 3 more rounds (the node started again at step 1).
  expect(modelB.rounds).toBe(1)
  expect(state.steps.filter(step => step.nodeId === 'research').map(step => step.step)).toEqual([1, 2, 3, 4])
  await b.dispose()
})
