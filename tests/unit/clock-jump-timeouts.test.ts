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
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { createStepModel, textStep, toolStep } from '../support/step-model'

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
})
