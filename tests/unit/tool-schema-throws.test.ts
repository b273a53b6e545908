/**
 * A tool's `parameters` schema whose own code throws (a refine that looks the id up in a database
 * that is down) did not find the model's arguments wrong. The call failed as
 * `Invalid arguments for tool "x": its parameters schema threw: …`, which sends the model to change
 * arguments that were fine, and nothing was logged. Now the call fails naming the tool, as a throw
 * of `execute` does, and the engine's logger gets one line with the tool, the job and the error.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'
import { createStepModel, textStep, toolStep } from '../support/step-model'

describe('a tool call whose parameters schema throws in its own code', () => {
  it('fails naming the tool, not the arguments, and is logged with the tool, the job and the error', async () => {
    const tool = defineTool({
      name: 'find_order',
      description: 'd',
      parameters: z.object({ id: z.string().refine(() => {
        throw new Error('connect ECONNREFUSED 10.0.3.7:5432 (orders db)')
      }) }),
      execute: () => 'ok',
    })
    const model = createStepModel([toolStep([{ id: 'c1', name: 'find_order', args: { id: '42' } }]), textStep('done')])
    const { logger, lines } = recordingLogger()
    const { engine } = createTestEngine({ model, tools: createToolRegistry([tool]), runners: { chat: runChatJob }, logger })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await engine.whenSettled(job.id)
    const { state } = await engine.getJob('u1', job.id)
    await engine.dispose()

    expect(state.toolCalls[0]).toMatchObject({ status: 'error' })
    const error = state.toolCalls[0]!.error!
    expect(error).not.toMatch(/^Invalid arguments/)
    expect(error).toMatch(/^Tool "find_order" failed: its parameters schema threw while checking the arguments/)
    const logged = lines.filter(line => line.message === 'a tool\'s parameters schema threw')
    expect(logged).toHaveLength(1)
    expect(logged[0]!.fields).toMatchObject({ tool: 'find_order', jobId: job.id })
    expect((logged[0]!.fields!.error as Error).message).toBe('connect ECONNREFUSED 10.0.3.7:5432 (orders db)')
    expect(state.status).toBe('completed')
  })
})
