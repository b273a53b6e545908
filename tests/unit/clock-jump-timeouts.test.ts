/**
 * Time limits measure elapsed time on the monotonic clock: a step of the wall clock (NTP, a VM
 * resumed, an operator's `date -s`) must not end a job as if its time were up. `vi.setSystemTime`
 * moves `Date.now()` only, as such a step does.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createToolRegistry } from '../../server/lib/tools/registry'
import type { ModelEvent } from '../../server/lib/model/types'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { createStepModel, textStep, toolStep } from '../support/step-model'
import { createWorkflowEngine } from '../support/workflow-engine'

const JOB_TIMEOUT_MS = 600_000

const lookup = defineTool({ name: 'lookup', description: 'Looks up', parameters: z.object({}), execute: () => 'found' })

/** A round asking for a tool, during which the wall clock steps forward past the job's limit. */
function toolStepAfterClockJump() {
  return async function* (): AsyncIterable<ModelEvent> {
    vi.setSystemTime(Date.now() + JOB_TIMEOUT_MS + 60_000)
    yield* toolStep([{ id: 'c1', name: 'lookup', args: {} }])
  }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('a wall-clock step', () => {
  it('does not stop the tool loop for its time budget (limits.jobTimeoutMs)', async () => {
    const model = createStepModel([toolStepAfterClockJump(), textStep('done')])
    const { engine } = createTestEngine({ config: { limits: { jobTimeoutMs: JOB_TIMEOUT_MS } }, model, tools: createToolRegistry([lookup]), runners: { chat: runChatJob } })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(1_000)
    await engine.whenSettled(job.id)
    const { state } = await engine.getJob('u1', job.id)
    expect(state.error).toBeNull()
    expect(state.status).toBe('completed')
    expect(state.content).toBe('done')
  })

  it('does not spend a workflow node\'s limit (limits.nodeTimeoutMs) while it waits for an approval', async () => {
    const NODE_TIMEOUT_MS = 5_000
    // The clock steps forward while the node decides whether the call needs approval.
    const gated = defineTool({
      name: 'gated',
      description: 'Needs approval',
      parameters: z.object({}),
      needsApproval: () => {
        vi.setSystemTime(Date.now() + NODE_TIMEOUT_MS + 60_000)
        return true
      },
      execute: () => new Promise(resolve => setTimeout(resolve, 100, 'ran')),
    })
    const workflow = defineWorkflow({
      name: 'gated-call',
      description: 'one approved tool call',
      input: z.object({}),
      nodes: {
        call: { kind: 'tool', tool: 'gated' },
        done: { kind: 'output', value: 'done' },
      },
      edges: [['call', 'done']],
    })
    const { engine, start, state } = createWorkflowEngine([workflow], { tools: [gated], config: { limits: { nodeTimeoutMs: NODE_TIMEOUT_MS } } })
    const jobId = await start('gated-call')
    await vi.advanceTimersByTimeAsync(10)
    const [request] = (await state(jobId)).pendingInputs
    await engine.answerInput('user-1', jobId, { requestId: request!.requestId, answer: 'approve' })
    await vi.advanceTimersByTimeAsync(200)
    await engine.whenSettled(jobId)
    const ended = await state(jobId)
    expect(ended.error).toBeNull()
    expect(ended.status).toBe('completed')
  })
})
