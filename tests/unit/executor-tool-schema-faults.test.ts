/**
 * A tool's own `parameters` schema whose transform or refine throws (JSON.parse of a model-chosen
 * string, a lookup that throws) gives the model an error result and the job goes on; a tool that
 * needs approval and parses an argument to a BigInt asks for approval with the arguments as the
 * model sent them — neither ends the job as an internal error.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createToolRegistry } from '../../server/lib/tools/registry'
import type { AnyToolDefinition } from '../../server/lib/tools/types'
import { defineTool } from '../../server/utils/define-tool'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { createStepModel, textStep, toolStep } from '../support/step-model'

async function chatWithOneCall(tool: AnyToolDefinition, args: unknown) {
  const model = createStepModel([toolStep([{ id: 'c1', name: tool.name, args }]), textStep('done')])
  const { engine } = createTestEngine({ model, tools: createToolRegistry([tool]), runners: { chat: runChatJob } })
  const { job } = await engine.createJob('u1', { request: chatRequest })
  await engine.whenSettled(job.id)
  const { state } = await engine.getJob('u1', job.id)
  const stats = engine.stats()
  await engine.dispose()
  return { state, stats, modelRounds: model.requests.length }
}

describe('tool argument faults from the tool\'s own code', () => {
  it('a parameters transform that throws (JSON.parse of a model-chosen string) is an error result; the job goes on', async () => {
    const tool = defineTool({ name: 'parse_filter', description: 'd', parameters: z.object({ filter: z.string().transform(text => JSON.parse(text) as unknown) }), execute: ({ filter }) => ({ filter }) })
    const { state, stats, modelRounds } = await chatWithOneCall(tool, { filter: '{not json' })
    expect(stats.runs).toBe(0)
    expect(state.toolCalls[0]).toMatchObject({ status: 'error', error: expect.stringMatching(/^(Invalid arguments for tool|Tool) "parse_filter"/) })
    expect(modelRounds).toBe(2)
    expect(state.status).toBe('completed')
  })

  it('a parameters refine that throws is an error result; the job goes on', async () => {
    const tool = defineTool({ name: 'check', description: 'd', parameters: z.object({ id: z.string().refine((id) => { if (!/^\d+$/.test(id)) throw new TypeError(`bad id ${id}`); return true }) }), execute: () => 'ok' })
    const { state, modelRounds } = await chatWithOneCall(tool, { id: 'abc' })
    expect(state.toolCalls[0]).toMatchObject({ status: 'error' })
    expect(modelRounds).toBe(2)
    expect(state.status).toBe('completed')
  })

  it('a tool that needs approval and parses an argument to a BigInt asks for approval instead of failing the job', async () => {
    const tool = defineTool({ name: 'refund', description: 'd', parameters: z.object({ orderId: z.coerce.bigint() }), needsApproval: true, execute: ({ orderId }) => ({ refunded: String(orderId) }) })
    const model = createStepModel([toolStep([{ id: 'c1', name: 'refund', args: { orderId: '9007199254740993' } }]), textStep('done')])
    const { engine } = createTestEngine({ model, tools: createToolRegistry([tool]), runners: { chat: runChatJob } })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await expect.poll(async () => (await engine.getJob('u1', job.id)).state.status).not.toBe('running')
    const { state } = await engine.getJob('u1', job.id)
    await engine.abortJob('u1', job.id).catch(() => {})
    await engine.whenSettled(job.id)
    await engine.dispose()
    expect(state.error).toBeNull()
    expect(state.status).toBe('waiting')
    expect(state.pendingInputs[0]).toMatchObject({ kind: 'tool-approval', tool: 'refund' })
  })
})
