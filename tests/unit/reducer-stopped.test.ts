/**
 * A tool call or workflow node still live when the job ends is cut off. The user's abort stopped
 * it: the reducer says `stopped`, not `error` / `failed` (which a library user's UI would show as
 * a broken call). A failed job still ends them `error` / `failed`. Either way the error says how
 * the job ended, and the AI SDK route still reads a stopped call as `output-error`.
 */
import { describe, expect, it } from 'vitest'
import type { JobEvent, JobEventPayload } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import { createJobState, isToolOutcome, reduceEvents } from '../../shared/reducer'
import { ChunkWriter } from '../../server/lib/ai-sdk/chunk-writer'
import { writeCutOffCalls } from '../../server/lib/ai-sdk/snapshot-chunks'

/** Payloads of one job, numbered from 1 (`nodeId`: the workflow node an event belongs to). */
type Payload = JobEventPayload & { nodeId?: string }

function reduce(type: 'chat' | 'workflow', payloads: Payload[]) {
  const events = payloads.map((payload, index) => ({ ...payload, seq: index + 1, at: 1_000 + index }) as JobEvent)
  return reduceEvents(createJobState({ id: 'j', type, createdAt: 0, status: 'running' }), events)
}

const done = { type: 'tool-call' as const, id: 'done', name: 'calculate', args: {}, step: 1 }
const doneResult = { type: 'tool-result' as const, id: 'done', status: 'error' as const, error: 'division by zero', durationMs: 2 }
const running = { type: 'tool-call' as const, id: 'running', name: 'slow_task', args: {}, step: 1 }
const asking = { type: 'tool-call' as const, id: 'asking', name: 'delete_file', args: {}, step: 1 }
const asked = { type: 'input-request' as const, requestId: 'req_1', kind: 'tool-approval' as const, prompt: 'ok?', expiresAt: 9_999_999, onTimeout: 'deny' as const, toolCallId: 'asking', tool: 'delete_file', args: {} }
const aborted = { type: 'job-end' as const, status: 'aborted' as const, error: { code: 'aborted', message: 'Aborted by the user' }, metrics: emptyMetrics() }
const failed = { type: 'job-end' as const, status: 'failed' as const, error: { code: 'timeout', message: 'Job timed out' }, metrics: emptyMetrics() }

describe('reducer: what an abort cut off is stopped', () => {
  it('ends running calls and calls waiting for approval `stopped`, a call with a result as it was', () => {
    const state = reduce('chat', [done, doneResult, running, asking, asked, aborted])
    expect(state.toolCalls.map(call => [call.id, call.status, call.error])).toEqual([
      ['done', 'error', 'division by zero'],
      ['running', 'stopped', 'job aborted (aborted)'],
      ['asking', 'stopped', 'job aborted (aborted)'],
    ])
    expect(state.toolCalls[2]!.approvalId).toBe('req_1')
    expect(state.toolCalls.every(call => isToolOutcome(call.status))).toBe(true)
  })

  it('ends running and waiting workflow nodes `stopped`; a failed job still ends them `failed`', () => {
    const nodes: Payload[] = [
      { type: 'node-start', nodeId: 'left', kind: 'agent' },
      { type: 'node-start', nodeId: 'ask', kind: 'input' },
      { type: 'input-request', requestId: 'r1', kind: 'workflow-input', prompt: 'ok?', expiresAt: 9_999_999, onTimeout: 'fail', nodeId: 'ask' },
    ]
    const stopped = reduce('workflow', [...nodes, aborted])
    expect([stopped.nodeStates.left!.status, stopped.nodeStates.ask!.status]).toEqual(['stopped', 'stopped'])
    expect(stopped.failedNodeId).toBeNull()
    const timedOut = reduce('workflow', [...nodes, failed])
    expect([timedOut.nodeStates.left!.status, timedOut.nodeStates.ask!.status]).toEqual(['failed', 'failed'])
    expect(timedOut.nodeStates.left!.error).toBe('job failed (timeout)')
  })

  it('a failed job still ends its live calls `error`', () => {
    const state = reduce('chat', [running, failed])
    expect(state.toolCalls[0]).toMatchObject({ status: 'error', error: 'job failed (timeout)' })
  })

  it('the AI SDK route still sends a stopped call as an output error saying the job was aborted', () => {
    const known = reduce('chat', [running])
    const ended = reduce('chat', [running, aborted])
    const writer = new ChunkWriter()
    writeCutOffCalls(writer, known, ended)
    expect(writer.take()).toEqual([{ type: 'tool-output-error', toolCallId: 'running', errorText: 'job aborted (aborted)' }])
  })
})
