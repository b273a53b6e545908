/**
 * A tool node whose tool needs approval, denied by the person or by nobody answering in time. The
 * denial's error tells the model that asked for a call not to retry it and to tell the user; a
 * tool node has no model, and that advice reached people: the job's error and the failed node in
 * the UI read `… Do not retry it; tell the user it was not done`, and so did the `error` of a
 * `continueOnError` output a later node writes into the content. The node's error now ends with
 * the denial and its reason; the `tool-call` result (the tools' own record) is as before.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine, USER } from '../support/workflow-engine'

const charge = defineTool({ name: 'charge', description: 'charges a card', needsApproval: true, parameters: z.object({ cents: z.number() }), execute: () => ({ charged: true }) })

function payment(continueOnError: boolean) {
  return defineWorkflow({
    name: 'payment',
    description: 'charges once approved',
    input: z.object({}),
    nodes: {
      pay: { kind: 'tool', tool: 'charge', args: { cents: 500 }, continueOnError },
      done: { kind: 'output', value: '{{outputs.pay.error}}' },
    },
    edges: [['pay', 'done']],
  })
}

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 0, 2) })
})
afterEach(() => {
  vi.useRealTimers()
})

async function deniedPayment(continueOnError: boolean, deny: (workflow: ReturnType<typeof createWorkflowEngine>, jobId: string) => Promise<void>) {
  const workflow = createWorkflowEngine([payment(continueOnError)], { tools: [charge] })
  const jobId = await workflow.start('payment')
  await vi.advanceTimersByTimeAsync(10)
  await deny(workflow, jobId)
  let settled = false
  void workflow.engine.whenSettled(jobId).then(() => { settled = true })
  while (!settled) await vi.advanceTimersByTimeAsync(1)
  const state = await workflow.state(jobId)
  await workflow.engine.dispose()
  return state
}

const byPerson = async ({ engine, requestOf }: ReturnType<typeof createWorkflowEngine>, jobId: string) => {
  await engine.answerInput(USER, jobId, { requestId: await requestOf(jobId, 'pay'), answer: { approved: false, reason: 'too expensive' } })
}
const byNobody = async () => {
  await vi.advanceTimersByTimeAsync(10 * 60_000)
}

describe('a tool node whose call is denied', () => {
  it('fails the job naming the denial and its reason, without advice meant for a model', async () => {
    const state = await deniedPayment(false, byPerson)
    const message = 'Node "pay" failed: tool "charge" ended with denied: The user denied the call to tool "charge": too expensive'
    expect(state.status).toBe('failed')
    expect(state.error).toMatchObject({ code: 'tool-denied', nodeId: 'pay', message })
    expect(state.nodeStates.pay).toMatchObject({ status: 'failed', error: message })
    // The tool call's own record keeps what a model would have read.
    expect(state.toolCalls[0]!.error).toMatch(/Do not retry it/)
  })

  it('says nobody answered in time', async () => {
    const state = await deniedPayment(false, byNobody)
    expect(state.error?.message).toBe('Node "pay" failed: tool "charge" ended with denied: The user denied the call to tool "charge": nobody answered the approval request in time')
  })

  it('gives a continueOnError output an error a person can read', async () => {
    const state = await deniedPayment(true, byPerson)
    expect(state.status).toBe('completed')
    expect(state.nodeStates.pay!.output).toEqual({ status: 'denied', error: 'The user denied the call to tool "charge": too expensive' })
    expect(state.content).toBe('The user denied the call to tool "charge": too expensive')
  })
})
