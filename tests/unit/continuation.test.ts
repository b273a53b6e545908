import { describe, expect, it } from 'vitest'
import type { JobState, ToolCallState } from '../../shared/reducer'
import { answeredBefore, continuationMessages, interruptedCalls } from '../../server/lib/executor/continuation'

const request = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'Go' }] }

function stored(toolCalls: Partial<ToolCallState>[], content = '', inputs: Partial<Pick<JobState, 'pendingInputs' | 'answeredInputs'>> = {}): JobState {
  return { content, reasoning: '', steps: [], pendingInputs: [], answeredInputs: [], ...inputs, toolCalls: toolCalls.map((call, index) => ({ id: `c${index}`, name: 'tool', args: {}, step: 1, status: 'completed', ...call })) } as unknown as JobState
}

describe('continuationMessages (recovery.chat = continue)', () => {
  it('keeps rounds in step order, arguments that were not a JSON object as {} (endpoints refuse them in history), and leaves workflow nodes\' calls out', () => {
    const messages = continuationMessages(request, stored([
      { id: 'late', step: 2, args: 'not json', status: 'denied', error: 'Denied by the user' },
      { id: 'early', step: 1, args: { a: 1 }, result: 'ok' },
      { id: 'node', step: 1, nodeId: 'draft', result: 'skip me' },
    ]), 50_000)
    expect(messages).toEqual([
      request.messages[0],
      { role: 'assistant', content: null, tool_calls: [{ id: 'early', type: 'function', function: { name: 'tool', arguments: '{"a":1}' } }] },
      { role: 'tool', tool_call_id: 'early', name: 'tool', content: '"ok"' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'late', type: 'function', function: { name: 'tool', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'late', name: 'tool', content: '{"error":"Denied by the user"}' },
    ])
  })

  it('cuts a round\'s stored results to limits.maxResultBytes, as the loop did', () => {
    const messages = continuationMessages(request, stored([{ result: 'x'.repeat(5_000) }], 'So far'), 1_000)
    const tool = messages.find(message => message.role === 'tool')!
    expect(tool.content).toContain('[truncated:')
    expect(Buffer.byteLength(tool.content!.split('\n[truncated:')[0]!)).toBeLessThanOrEqual(1_000)
    expect(messages.at(-1)).toEqual({ role: 'assistant', content: 'So far' })
  })

  it('a client tool\'s call left waiting for the browser\'s output is interrupted saying so (its request voided by the takeover, or still pending)', () => {
    const request1 = { requestId: 'r1', kind: 'tool-output', prompt: 'Run', toolCallId: 'c0', tool: 'tool', expiresAt: 1, onTimeout: 'deny', requestedAt: 0 } as const
    for (const inputs of [{ pendingInputs: [request1] }, { answeredInputs: [{ ...request1, answer: null, answeredAt: 1, answeredBy: 'system:owner-lost' }] }]) {
      const state = stored([{ status: 'running' }, { status: 'running' }], '', inputs as never)
      const contents = continuationMessages(request, state, 50_000).filter(message => message.role === 'tool').map(message => JSON.parse(message.content!))
      expect(contents[0].error).toBe('The tool "tool" got no output: the server running this job stopped while the call waited for the browser\'s output')
      expect(contents[1].error).toMatch(/interrupted: the server running this job stopped before it answered/)
    }
  })

  it('a call left running or waiting for approval is interrupted, with a reason the model can read', () => {
    const state = stored([{ id: 'run', status: 'running' }, { id: 'ask', status: 'waiting-approval' }, { id: 'done' }, { id: 'node', status: 'running', nodeId: 'n' }])
    expect(interruptedCalls(state).map(call => call.id)).toEqual(['run', 'ask'])
    const contents = continuationMessages(request, state, 50_000).filter(message => message.role === 'tool').map(message => JSON.parse(message.content!))
    expect(contents[0].error).toMatch(/interrupted: the server running this job stopped before it answered/)
    expect(contents[1].error).toMatch(/was not run: the server running this job stopped while the call waited for approval/)
    expect(interruptedCalls(null)).toEqual([])
  })
})

describe('answeredBefore (recovery.chat = continue)', () => {
  const withSteps = (steps: Array<Partial<JobState['steps'][number]>>) => ({ ...stored([]), steps: steps.map(step => ({ step: 1, finishReason: 'stop', ended: true, ...step })) }) as JobState

  it('is a last chat round that ended asking for no tools', () => {
    expect(answeredBefore(withSteps([{ toolCallCount: 0 }]))).toBe(true)
    expect(answeredBefore(withSteps([{ toolCallCount: 0 }, { step: 1, nodeId: 'n', ended: false }]))).toBe(true)
  })

  it('is not a round that asked for tools, one cut off, none, nor a log written before the count existed', () => {
    expect(answeredBefore(withSteps([{ toolCallCount: 1, finishReason: 'stop' }]))).toBe(false)
    expect(answeredBefore(withSteps([{ toolCallCount: 0 }, { step: 2, finishReason: null, ended: false }]))).toBe(false)
    expect(answeredBefore(withSteps([]))).toBe(false)
    expect(answeredBefore(withSteps([{ finishReason: 'stop' }]))).toBe(false)
  })
})
