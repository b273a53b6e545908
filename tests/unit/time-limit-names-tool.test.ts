/**
 * A job that ran past `limits.jobTimeoutMs` while a tool call held it ended `failed` with `Job
 * exceeded its time limit of … ms`, which left its user and the operator to guess what held it.
 * The message now names the tools whose calls were still running then — their names only, never
 * their arguments; a job whose limit passed elsewhere (a model round) says what it said before.
 */
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { chatRequest, createTestEngine, wait } from '../support/engine-harness'
import { createStepModel, textStep, toolStep } from '../support/step-model'
import type { ModelClient } from '../../server/lib/model/types'

/** The job's time limit in these tests. */
const LIMIT_MS = 5_000

/** A tool that runs a minute unless stopped (its own time limit is longer than the job's). */
function slowTool(name: string) {
  return defineTool({ name, description: 'Takes a minute', parameters: z.object({ query: z.string() }), timeoutMs: 600_000, execute: async (_args, { signal }) => {
    await wait(60_000, signal)
    return 'never'
  } })
}
const quick = defineTool({ name: 'quick', description: 'Answers at once', parameters: z.object({}), execute: () => 'done' })
const tools = createToolRegistry([quick, slowTool('slow_lookup'), slowTool('slow_crawl')])

async function endMessage(model: ModelClient): Promise<string | undefined> {
  vi.useFakeTimers()
  const { engine } = createTestEngine({ runners: { chat: runChatJob }, model, tools, config: { limits: { jobTimeoutMs: LIMIT_MS } } })
  try {
    const { job } = await engine.createJob('u1', { request: { ...chatRequest, tools: ['quick', 'slow_lookup', 'slow_crawl'] } })
    await vi.advanceTimersByTimeAsync(LIMIT_MS + 10)
    await engine.whenSettled(job.id)
    const { state } = await engine.getJob('u1', job.id)
    expect(state.status).toBe('failed')
    expect(state.error?.code).toBe('timeout')
    return state.error?.message
  }
  finally {
    await engine.dispose()
    vi.useRealTimers()
  }
}

describe('the time-limit message of a job a tool held', () => {
  it('names the tool still running, never its arguments (nor a call that had ended)', async () => {
    const model = createStepModel([toolStep([{ id: 'a', name: 'quick' }]), toolStep([{ id: 'b', name: 'slow_lookup', args: { query: 'private words' } }]), textStep('never')])
    const message = await endMessage(model)
    expect(message).toBe(`Job exceeded its time limit of ${LIMIT_MS} ms (limits.jobTimeoutMs) while tool "slow_lookup" was running`)
  })

  it('names each of the calls running in parallel, each tool once', async () => {
    const model = createStepModel([toolStep([{ id: 'a', name: 'slow_lookup', args: { query: 'x' } }, { id: 'b', name: 'slow_crawl', args: { query: 'y' } }, { id: 'c', name: 'slow_lookup', args: { query: 'z' } }]), textStep('never')])
    expect(await endMessage(model)).toBe(`Job exceeded its time limit of ${LIMIT_MS} ms (limits.jobTimeoutMs) while tools "slow_lookup" and "slow_crawl" were running`)
  })

  it('names no tool when none was running (the model held the job)', async () => {
    const stalled: ModelClient = { scripted: false, async* stream(_request, signal) {
      await wait(60_000, signal)
    } }
    expect(await endMessage(stalled)).toBe(`Job exceeded its time limit of ${LIMIT_MS} ms (limits.jobTimeoutMs)`)
  })
})
