/**
 * An answer sent with the wrong `requestId`. A developer answering a workflow's question with curl
 * sent the input node's id (`"requestId": "approval"`) or a tool call's id, and read only
 * `Input request approval is not pending for this job`: nothing said which id the job waits for.
 * The 409 now names the pending request (its owner may read it: the job is theirs), and the 400
 * for a body without `requestId` says where to find it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { validate } from '../../server/lib/http/request'
import { inputBodySchema } from '../../server/lib/http/schemas'
import { createWorkflowEngine, USER } from '../support/workflow-engine'

const publish = defineTool({ name: 'publish', description: 'publishes', parameters: z.object({}), needsApproval: true, execute: async () => 'published' })

const review = defineWorkflow({
  name: 'review',
  description: 'asks, then publishes with approval',
  input: z.object({}),
  nodes: {
    approval: { kind: 'input', prompt: 'Ship it?', schema: z.object({ approved: z.boolean() }) },
    ship: { kind: 'tool', tool: 'publish' },
    done: { kind: 'output', value: 'done' },
  },
  edges: [['approval', 'ship'], ['ship', 'done']],
})

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('an answer whose requestId is not the pending request\'s', () => {
  it('the input node\'s id: says so and names the request id to send', async () => {
    const workflow = createWorkflowEngine([review], { tools: [publish] })
    const jobId = await workflow.start('review')
    await vi.advanceTimersByTimeAsync(10)
    const requestId = await workflow.requestOf(jobId, 'approval')
    await expect(workflow.engine.answerInput(USER, jobId, { requestId: 'approval', answer: { approved: true } })).rejects.toMatchObject({
      statusCode: 409,
      message: `Input request approval is not pending for this job: "approval" is the id of its input node; answer its question with requestId "${requestId}"`,
    })
    await workflow.engine.dispose()
  })

  it('a tool call\'s id: names the approval\'s request id', async () => {
    const workflow = createWorkflowEngine([review], { tools: [publish] })
    const jobId = await workflow.start('review')
    await vi.advanceTimersByTimeAsync(10)
    await workflow.answer(jobId, 'approval', { approved: true })
    await vi.advanceTimersByTimeAsync(10)
    const pending = (await workflow.state(jobId)).pendingInputs[0]!
    expect(pending.kind).toBe('tool-approval')
    await expect(workflow.engine.answerInput(USER, jobId, { requestId: pending.toolCallId!, answer: 'approve' })).rejects.toMatchObject({
      statusCode: 409,
      message: `Input request ${pending.toolCallId} is not pending for this job: "${pending.toolCallId}" is the id of its tool call; answer its approval with requestId "${pending.requestId}"`,
    })
    await workflow.engine.dispose()
  })

  it('another id: names what the job waits for', async () => {
    const workflow = createWorkflowEngine([review], { tools: [publish] })
    const jobId = await workflow.start('review')
    await vi.advanceTimersByTimeAsync(10)
    const requestId = await workflow.requestOf(jobId, 'approval')
    await expect(workflow.engine.answerInput(USER, jobId, { requestId: 'r-1', answer: { approved: true } })).rejects.toMatchObject({
      statusCode: 409,
      message: `Input request r-1 is not pending for this job; it waits for an answer to "${requestId}" (input node "approval")`,
    })
    await workflow.engine.dispose()
  })
})

describe('a body without requestId', () => {
  it('says where the request id is', () => {
    expect(() => validate(inputBodySchema, { answer: { approved: true } }))
      .toThrow('requestId: is required — the id of the question the job waits for (`requestId` of its input-request event, or of GET /api/jobs/:id\'s state.pendingInputs)')
  })
})
