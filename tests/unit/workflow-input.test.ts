import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { InvalidAnswerError, JobAbortedError } from '../../server/lib/errors'
import { JobFailure } from '../../server/lib/run-context'
import type { InputTimeoutAction } from '../../shared/events'
import { startWorkflow } from '../support/workflow-fake-context'

const ASK_TIMEOUT_MS = 60_000

function approvalWorkflow(onTimeout: InputTimeoutAction = 'default') {
  return {
    name: 'approval',
    description: 'asks, then answers',
    input: z.object({ topic: z.string() }),
    nodes: {
      ask: {
        kind: 'input',
        prompt: 'Publish {{input.topic}}?',
        schema: z.object({ approved: z.boolean(), note: z.string().optional() }),
        timeoutMs: ASK_TIMEOUT_MS,
        onTimeout,
        ...(onTimeout === 'default' ? { timeoutAnswer: { approved: false, note: 'timed out' } } : {}),
      },
      decide: { kind: 'branch', choose: (state: { outputs: Record<string, unknown> }) => ((state.outputs.ask as { approved: boolean }).approved ? 'yes' : 'no') },
      yes: { kind: 'output', value: 'Published.' },
      no: { kind: 'output', value: 'Not published: {{outputs.ask.note}}' },
    },
    edges: [['ask', 'decide'], ['decide', 'yes'], ['decide', 'no']] as Array<[string, string]>,
  }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('workflow input node', () => {
  it('waits with an input request, then completes when answered', async () => {
    const job = startWorkflow(approvalWorkflow(), { topic: 'the report' })
    await job.nextInput()
    const waiting = job.state()
    expect(waiting.status).toBe('waiting')
    expect(waiting.nodeStates.ask!.status).toBe('waiting')
    expect(waiting.pendingInputs[0]).toMatchObject({
      kind: 'workflow-input',
      prompt: 'Publish the report?',
      nodeId: 'ask',
      onTimeout: 'default',
      schema: { type: 'object', properties: { approved: { type: 'boolean' } } },
    })

    job.answer({ approved: true }, 'user-7')
    await job.done
    expect(job.error()).toBeUndefined()
    const state = job.state()
    expect(state.status).toBe('running')
    expect(state.content).toBe('Published.')
    expect(state.answeredInputs[0]).toMatchObject({ answer: { approved: true }, answeredBy: 'user-7', nodeId: 'ask' })
    expect(state.nodeStates.ask).toMatchObject({ status: 'completed', output: { approved: true } })
    expect(job.nodeLog()).toEqual(['start:ask', 'completed:ask', 'start:decide', 'completed:decide', 'start:yes', 'completed:yes'])
  })

  it('refuses an answer of the wrong shape with a message naming the field, and keeps waiting', async () => {
    const job = startWorkflow(approvalWorkflow(), { topic: 'x' })
    await job.nextInput()
    let refused: unknown
    try {
      job.answer({ approved: 'yes' })
    }
    catch (error) {
      refused = error
    }
    expect(refused).toBeInstanceOf(InvalidAnswerError)
    expect((refused as Error).message).toMatch(/^Invalid answer: answer.approved: .*expected boolean/)
    expect(job.state().status).toBe('waiting')
    expect(job.state().pendingInputs).toHaveLength(1)

    job.answer({ approved: false, note: 'too short' })
    await job.done
    expect(job.state().content).toBe('Not published: too short')
  })

  it('refuses a reason its schema has no field for (never dropped unseen), and keeps waiting', async () => {
    const job = startWorkflow(approvalWorkflow(), { topic: 'x' })
    await job.nextInput()
    expect(() => job.answer({ approved: true, reason: 'looks good' })).toThrow('Invalid answer: reason: this input has no field for a reason')
    expect(job.state().status).toBe('waiting')
    expect(job.state().pendingInputs).toHaveLength(1)

    job.answer({ approved: true })
    await job.done
    expect(job.state().content).toBe('Published.')
  })

  it('takes a reason its schema has a field for', async () => {
    const workflow = approvalWorkflow()
    workflow.nodes.ask.schema = z.object({ approved: z.boolean(), note: z.string().optional(), reason: z.string().optional() })
    const job = startWorkflow(workflow, { topic: 'x' })
    await job.nextInput()
    job.answer({ approved: true, reason: 'looks good' })
    await job.done
    expect(job.state().answeredInputs[0]).toMatchObject({ answer: { approved: true, reason: 'looks good' } })
  })

  it('a prompt that is one template of a number or an object is sent as text (events carry a string)', async () => {
    const workflow = {
      name: 'whole-template',
      description: 'asks with a whole template',
      input: z.object({ count: z.number(), topic: z.object({ title: z.string() }) }),
      nodes: {
        count: { kind: 'input', prompt: '{{input.count}}', schema: z.string() },
        topic: { kind: 'input', prompt: '{{input.topic}}', schema: z.string() },
        done: { kind: 'output', value: 'ok' },
      },
      edges: [['count', 'topic'], ['topic', 'done']] as Array<[string, string]>,
    }
    const job = startWorkflow(workflow, { count: 7, topic: { title: 'tides' } })
    await job.nextInput()
    expect(job.state().pendingInputs[0]!.prompt).toBe('7')
    job.answer('fine')
    await job.nextInput()
    expect(job.state().pendingInputs[0]!.prompt).toBe('{\n  "title": "tides"\n}')
    job.answer('fine')
    await job.done
    expect(job.error()).toBeUndefined()
  })

  it('applies onTimeout when nobody answers in time', async () => {
    vi.useFakeTimers()
    const job = startWorkflow(approvalWorkflow('default'), { topic: 'x' })
    await job.nextInput()
    await vi.advanceTimersByTimeAsync(ASK_TIMEOUT_MS - 1)
    expect(job.state().status).toBe('waiting')
    await vi.advanceTimersByTimeAsync(1)
    await job.done
    expect(job.error()).toBeUndefined()
    expect(job.state().answeredInputs[0]).toMatchObject({ answeredBy: 'timeout', answer: { approved: false, note: 'timed out' } })
    expect(job.state().content).toBe('Not published: timed out')
  })

  it('fails the job naming the node when onTimeout is fail', async () => {
    vi.useFakeTimers()
    const job = startWorkflow(approvalWorkflow('fail'), { topic: 'x' })
    await job.nextInput()
    await vi.advanceTimersByTimeAsync(ASK_TIMEOUT_MS)
    await job.done
    const error = job.error()
    expect(error).toBeInstanceOf(JobFailure)
    expect(error).toMatchObject({ code: 'input-timeout', details: { nodeId: 'ask' } })
    expect(job.state().failedNodeId).toBe('ask')
  })

  it('rejects with the abort reason when the job is aborted while waiting', async () => {
    const job = startWorkflow(approvalWorkflow(), { topic: 'x' })
    await job.nextInput()
    job.abort()
    await job.done
    expect(job.error()).toBeInstanceOf(JobAbortedError)
    expect(job.nodeLog()).toEqual(['start:ask'])
    expect(job.state().nodeStates.ask!.status).toBe('waiting')
  })
})
