import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { runAgentLoop } from '../../server/lib/executor/agent-loop'
import { parseApprovalAnswer } from '../../server/lib/executor/tool-approval'
import { InvalidAnswerError } from '../../server/lib/errors'
import type { AnyToolDefinition } from '../../server/lib/tools/types'
import { defineTool } from '../../server/utils/define-tool'
import deleteFile from '../../demo/server/tools/delete-file'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel, textStep, toolStep } from '../support/step-model'

const user = [{ role: 'user' as const, content: 'delete notes.txt' }]

function start(tools: AnyToolDefinition[] = [deleteFile], args: unknown = { path: 'notes.txt' }) {
  const model = createStepModel([toolStep([{ id: 'd1', name: tools[0]!.name, args }]), textStep('done')])
  const fake = createFakeRunContext({ model, tools, config: { limits: { inputTimeoutMs: 60_000 } } })
  const running = runAgentLoop(fake.context, { messages: user })
  const toolMessage = async () => {
    await running
    return JSON.parse(model.requests[1]!.messages.find(message => message.role === 'tool')!.content!) as unknown
  }
  return { ...fake, model, running, toolMessage }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('tool approvals', () => {
  it('waits for the human: the job is waiting with an input-request naming the call', async () => {
    const { state, eventsOf, pendingRequestIds } = start()
    await vi.advanceTimersByTimeAsync(0)
    expect(state().status).toBe('waiting')
    expect(state().toolCalls[0]).toMatchObject({ id: 'd1', status: 'waiting-approval' })
    expect(eventsOf('input-request')[0]).toMatchObject({ kind: 'tool-approval', toolCallId: 'd1', tool: 'delete_file', args: { path: 'notes.txt' }, onTimeout: 'deny', expiresAt: Date.now() + 60_000 })
    expect(pendingRequestIds()).toHaveLength(1)
  })

  it('approve: the tool runs and the model gets its result', async () => {
    const { answer, pendingRequestIds, toolMessage, state } = start()
    await vi.advanceTimersByTimeAsync(0)
    answer(pendingRequestIds()[0]!, 'approve')
    expect(await toolMessage()).toEqual({ deleted: 'notes.txt', note: expect.any(String) })
    expect(state().status).toBe('running')
    expect(state().toolCalls[0]!.status).toBe('completed')
    expect(state().answeredInputs[0]).toMatchObject({ answer: { approved: true }, answeredBy: 'user-1' })
  })

  it('deny with a reason: the tool does not run and the model is told', async () => {
    const execute = vi.fn()
    const guarded = defineTool({ name: 'wipe', description: 'Wipes', parameters: z.object({}), needsApproval: true, execute })
    const { answer, pendingRequestIds, toolMessage, state } = start([guarded], {})
    await vi.advanceTimersByTimeAsync(0)
    answer(pendingRequestIds()[0]!, { answer: 'deny', reason: 'not today' })
    expect(await toolMessage()).toEqual({ error: expect.stringMatching(/denied the call to tool "wipe": not today/) })
    expect(execute).not.toHaveBeenCalled()
    expect(state().toolCalls[0]).toMatchObject({ status: 'denied', durationMs: 0 })
  })

  it('timeout: nobody answered, so the call is denied (onTimeout deny)', async () => {
    const { toolMessage, state, eventsOf } = start()
    await vi.advanceTimersByTimeAsync(59_999)
    expect(state().status).toBe('waiting')
    await vi.advanceTimersByTimeAsync(1)
    expect(await toolMessage()).toEqual({ error: expect.stringContaining('nobody answered the approval request in time') })
    expect(eventsOf('input-response')[0]).toMatchObject({ answeredBy: 'timeout' })
    expect(state().toolCalls[0]!.status).toBe('denied')
  })

  it('an invalid answer is refused and the job keeps waiting', async () => {
    const { answer, pendingRequestIds, state, running } = start()
    await vi.advanceTimersByTimeAsync(0)
    const [requestId] = pendingRequestIds()
    expect(() => answer(requestId!, 'maybe')).toThrow(InvalidAnswerError)
    expect(state().status).toBe('waiting')
    answer(requestId!, { approved: true })
    await running
    expect(state().toolCalls[0]!.status).toBe('completed')
  })

  it('needsApproval as a function decides per call; one that throws asks (fails closed)', async () => {
    const execute = vi.fn(() => 'ran')
    const byAmount = defineTool({ name: 'pay', description: 'Pays', parameters: z.object({ amount: z.number() }), needsApproval: ({ amount }) => amount > 100, execute })
    const small = start([byAmount], { amount: 5 })
    expect(await small.toolMessage()).toBe('ran')
    expect(small.eventsOf('input-request')).toHaveLength(0)

    const big = start([byAmount], { amount: 500 })
    await vi.advanceTimersByTimeAsync(0)
    expect(big.state().status).toBe('waiting')

    const broken = defineTool({ name: 'odd', description: 'Odd', parameters: z.object({}), needsApproval: () => { throw new Error('bug') }, execute })
    const asked = start([broken], {})
    await vi.advanceTimersByTimeAsync(0)
    expect(asked.state().status).toBe('waiting')
  })

  it('a needsApproval that never answers: after the tool\'s time limit it asks (fails closed), and its signal fired', async () => {
    const execute = vi.fn(() => 'ran')
    let checkSignal: AbortSignal | undefined
    const hanging = defineTool({
      name: 'lookup',
      description: 'Looks up',
      parameters: z.object({}),
      timeoutMs: 2_000,
      // A permission check against a service that stalls, ignoring its signal.
      needsApproval: (_args, context) => {
        checkSignal = context.signal
        return new Promise<boolean>(() => {})
      },
      execute,
    })
    const { state, context } = start([hanging], {})
    await vi.advanceTimersByTimeAsync(1_999)
    expect(state().status).toBe('running')
    expect(checkSignal?.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(checkSignal?.aborted).toBe(true)
    expect(state().status).toBe('waiting')
    expect(state().toolCalls[0]).toMatchObject({ id: 'd1', status: 'waiting-approval' })
    expect(execute).not.toHaveBeenCalled()
    // The check's time limit is not left behind (the fake context's approval waits on plain timers).
    expect(context.timers.size).toBe(0)
  })

  it('an abort ends a needsApproval that never answers: the loop stops with the job\'s reason, nothing pending', async () => {
    const hanging = defineTool({ name: 'lookup', description: 'Looks up', parameters: z.object({}), needsApproval: () => new Promise<boolean>(() => {}), execute: () => 'ran' })
    const { running, abort, context, pendingRequestIds } = start([hanging], {})
    const outcome = running.then(() => 'finished', (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(100)
    abort('stop')
    expect(await outcome).toMatchObject({ name: 'JobAbortedError', message: 'stop' })
    expect(context.timers.size).toBe(0)
    expect(pendingRequestIds()).toHaveLength(0)
  })

  it('reads the answer forms the input route may pass', () => {
    expect(parseApprovalAnswer('approve')).toEqual({ approved: true })
    expect(parseApprovalAnswer(' Deny ')).toEqual({ approved: false })
    expect(parseApprovalAnswer(true)).toEqual({ approved: true })
    expect(parseApprovalAnswer({ approved: false, reason: ' no ' })).toEqual({ approved: false, reason: 'no' })
    expect(parseApprovalAnswer({ answer: 'approve', reason: 'ok' })).toEqual({ approved: true, reason: 'ok' })
    for (const bad of ['perhaps', null, 3, {}, { answer: { approved: true } }]) expect(() => parseApprovalAnswer(bad)).toThrow(InvalidAnswerError)
    // A reason that is not text is refused, not dropped unseen; the message shows the documented shape.
    expect(() => parseApprovalAnswer({ approved: true, reason: 5 })).toThrow('reason must be a string')
    expect(() => parseApprovalAnswer('perhaps')).toThrow('{ approved: boolean, reason?: string }')
  })
})
