/**
 * A workflow loop run through the engine with `limits.maxNodesPerJob` raised far above 50. Before,
 * each visit of a tool node built a set of every call id of the job to pick a free id for its call
 * (and each agent round with calls added every call id of the job to its own set): work that grew
 * with the run at every visit, quadratic over a long loop. Now both look the id up in the job's
 * call index (shared/tool-call-index.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { countListWork } from '../support/list-work'
import { createWorkflowEngine } from '../support/workflow-engine'

const ROUNDS = 2_500

const step = defineTool({ name: 'step', description: 'a step', parameters: z.object({}), execute: () => 'done' })

const loop = defineWorkflow({
  name: 'loop',
  description: 'runs the tool node until it has run ROUNDS times',
  input: z.object({}),
  nodes: {
    work: { kind: 'tool', tool: 'step' },
    again: { kind: 'branch', choose: state => (state.visits.work ?? 0) >= ROUNDS ? 'end' : 'work' },
    end: { kind: 'output', value: 'finished' },
  },
  edges: [['work', 'again'], ['again', 'work'], ['again', 'end']],
})

beforeEach(() => { vi.useFakeTimers() })
afterEach(() => { vi.useRealTimers() })

describe('a long workflow loop', () => {
  it('picks each call id without walking every call of the job', async () => {
    const { engine, start, state } = createWorkflowEngine([loop], { tools: [step], config: { limits: { maxNodesPerJob: 10 * ROUNDS } } })
    const jobId = await start('loop')
    const { visited } = await countListWork(async () => {
      await vi.advanceTimersByTimeAsync(0)
      await engine.whenSettled(jobId)
    })
    const ended = await state(jobId)
    expect(ended.status).toBe('completed')
    expect(ended.toolCalls).toHaveLength(ROUNDS)
    expect(new Set(ended.toolCalls.map(call => call.id)).size).toBe(ROUNDS)
    expect(visited).toBeLessThan(100 * ROUNDS)
  })
})
