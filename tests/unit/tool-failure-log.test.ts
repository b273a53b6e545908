/**
 * A tool whose `execute` throws (its database down, an API answering 500) becomes an error result
 * the model sees, and `tool_runs_total{status="error"}` counts it — but nothing was logged: an
 * operator whose error counter climbed could not find out why, or in which jobs, without reading
 * each job's events through its user's routes. (A tool's schema that throws, and its stray errors,
 * were logged already.) Each such failure is a warning now naming the tool, the job, the call and
 * the error (redacted, with its code and cause, like every error in a line).
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'
import { createStepModel, textStep, toolStep } from '../support/step-model'

const readOrders = defineTool({
  name: 'read_orders',
  description: 'Reads the user\'s orders',
  parameters: z.object({}),
  execute: () => {
    throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432'), { code: 'ECONNREFUSED' })
  },
})

describe('a tool whose execute throws', () => {
  it('is logged naming the tool, the job, the call and the error; the job goes on', async () => {
    const { logger, lines } = recordingLogger()
    const model = createStepModel([toolStep([{ id: 'call_1', name: 'read_orders', args: {} }]), textStep('Sorry, the orders are not available.')])
    const { engine } = createTestEngine({ logger, runners: { chat: runChatJob }, model, tools: createToolRegistry([readOrders]) })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await engine.whenSettled(job.id)
    await engine.dispose()
    const failed = lines.filter(line => line.message.startsWith('tool "read_orders" failed'))
    expect(failed).toEqual([{ level: 'warn', message: expect.any(String), fields: { tool: 'read_orders', jobId: job.id, callId: 'call_1', error: expect.objectContaining({ message: 'connect ECONNREFUSED 10.0.0.7:5432', code: 'ECONNREFUSED' }) } }])
    expect(lines.find(line => line.message === 'job ended')?.fields).toMatchObject({ status: 'completed' })
  })
})
