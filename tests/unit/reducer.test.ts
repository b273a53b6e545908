import { describe, expect, it } from 'vitest'
import type { JobError, JobEvent } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import { applyDelta, applyEvent, createJobState, reduceEvents } from '../../shared/reducer'

const at = 1_000
const base = () => createJobState({ id: 'job', type: 'chat', createdAt: 0 })

describe('applyDelta', () => {
  it('appends, and applying the same delta twice is harmless', () => {
    expect(applyDelta('', 0, 'Hel')).toBe('Hel')
    expect(applyDelta('Hel', 0, 'Hel')).toBe('Hel')
    expect(applyDelta('Hel', 3, 'lo')).toBe('Hello')
    expect(applyDelta('Hello', 3, 'lo')).toBe('Hello')
  })
  it('adds only the part past the end of an overlapping delta', () => {
    expect(applyDelta('Hel', 1, 'ello')).toBe('Hello')
  })
  it('ignores a delta that starts past the end (a gap)', () => {
    expect(applyDelta('He', 5, 'x')).toBe('He')
  })
  it('counts offsets in UTF-16 code units, so emoji count as two', () => {
    const first = applyDelta('', 0, 'a😀')
    expect(first.length).toBe(3)
    expect(applyDelta(first, 3, 'b')).toBe('a😀b')
    expect(applyDelta(applyDelta(first, 3, 'b'), 1, '😀b')).toBe('a😀b')
  })
})

describe('applyEvent', () => {
  const log: JobEvent[] = [
    { seq: 1, at, type: 'job-status', status: 'running' },
    { seq: 2, at, type: 'step-start', step: 1 },
    { seq: 3, at, type: 'reasoning-delta', offset: 0, text: 'thinking' },
    { seq: 4, at, type: 'text-delta', offset: 0, text: 'It is ' },
    { seq: 5, at, type: 'tool-call', id: 'c1', name: 'get_current_time', args: {}, step: 1 },
    { seq: 6, at, type: 'tool-result', id: 'c1', status: 'completed', result: '12:00', durationMs: 3 },
    { seq: 7, at, type: 'step-end', step: 1, finishReason: 'tool_calls', usage: { prompt: 1, completion: 2, total: 3 } },
    { seq: 8, at, type: 'text-delta', offset: 6, text: 'noon.' },
    { seq: 9, at: 2_000, type: 'job-end', status: 'completed', metrics: emptyMetrics() },
  ]

  it('builds content, reasoning, steps and tool calls', () => {
    const state = reduceEvents(base(), log)
    expect(state.seq).toBe(9)
    expect(state.status).toBe('completed')
    expect(state.content).toBe('It is noon.')
    expect(state.reasoning).toBe('thinking')
    expect(state.toolCalls).toEqual([
      expect.objectContaining({ id: 'c1', status: 'completed', result: '12:00', durationMs: 3 }),
    ])
    expect(state.steps[0]).toMatchObject({ step: 1, finishReason: 'tool_calls', ended: true })
    expect(state.endedAt).toBe(2_000)
  })

  it('ignores events it already has and never mutates its input', () => {
    const start = base()
    const frozen = JSON.stringify(start)
    const once = reduceEvents(start, log)
    expect(JSON.stringify(start)).toBe(frozen)
    expect(reduceEvents(once, log)).toBe(once)
  })

  it('any prefix of a log plus the rest equals the whole', () => {
    const whole = reduceEvents(base(), log)
    for (let cut = 0; cut <= log.length; cut++) {
      const prefix = reduceEvents(base(), log.slice(0, cut))
      expect(reduceEvents(prefix, log.slice(cut))).toEqual(whole)
    }
  })

  it('keeps a terminal status final', () => {
    const ended = reduceEvents(base(), [{ seq: 1, at, type: 'job-end', status: 'aborted', metrics: emptyMetrics() }])
    const after = applyEvent(ended, { seq: 2, at, type: 'job-status', status: 'running' })
    expect(after.status).toBe('aborted')
  })

  it('tracks input requests and their answers', () => {
    const state = reduceEvents(base(), [
      { seq: 1, at, type: 'tool-call', id: 'c1', name: 'delete_file', args: { path: 'a' }, step: 1 },
      { seq: 2, at, type: 'input-request', requestId: 'r1', kind: 'tool-approval', prompt: 'Allow?', expiresAt: 5_000, onTimeout: 'deny', toolCallId: 'c1' },
    ])
    expect(state.pendingInputs).toHaveLength(1)
    expect(state.toolCalls[0]!.status).toBe('waiting-approval')
    const answered = applyEvent(state, { seq: 3, at, type: 'input-response', requestId: 'r1', answer: 'approve', answeredAt: 1_500, answeredBy: 'u1' })
    expect(answered.pendingInputs).toHaveLength(0)
    expect(answered.answeredInputs[0]).toMatchObject({ requestId: 'r1', answer: 'approve', answeredBy: 'u1' })
    expect(answered.toolCalls[0]!.status).toBe('running')
  })

  it('tracks workflow nodes', () => {
    const state = reduceEvents({ ...base(), type: 'workflow' }, [
      { seq: 1, at, type: 'node-start', nodeId: 'a', kind: 'agent' },
      { seq: 2, at, type: 'node-end', nodeId: 'a', status: 'completed', output: 'x' },
      { seq: 3, at, type: 'node-start', nodeId: 'b', kind: 'tool' },
      { seq: 4, at, type: 'node-end', nodeId: 'b', status: 'failed', error: 'boom' },
    ])
    expect(state.executionOrder).toEqual(['a', 'b'])
    expect(state.nodeStates.a).toMatchObject({ status: 'completed', output: 'x' })
    expect(state.failedNodeId).toBe('b')
    expect(state.currentNodeId).toBeNull()
  })

  it('ends the nodes still running or waiting when the job ends, and leaves finished ones as they were', () => {
    const state = reduceEvents({ ...base(), type: 'workflow' }, [
      { seq: 1, at, type: 'node-start', nodeId: 'done', kind: 'agent' },
      { seq: 2, at, type: 'node-end', nodeId: 'done', status: 'completed', output: 'x' },
      { seq: 3, at, type: 'node-start', nodeId: 'left', kind: 'agent' },
      { seq: 4, at, type: 'node-start', nodeId: 'right', kind: 'agent' },
      { seq: 5, at, type: 'node-start', nodeId: 'ask', kind: 'input' },
      { seq: 6, at, type: 'input-request', requestId: 'r1', kind: 'approval', prompt: 'ok?', expiresAt: 9_000, onTimeout: 'fail', nodeId: 'ask' },
      { seq: 7, at: 2_000, type: 'job-end', status: 'aborted', metrics: emptyMetrics() },
    ] as JobEvent[])
    expect(state.nodeStates.done).toMatchObject({ status: 'completed', output: 'x' })
    for (const nodeId of ['left', 'right', 'ask']) expect(state.nodeStates[nodeId]).toMatchObject({ status: 'stopped', error: 'job aborted', endedAt: 2_000 })
    // The job was ended from outside: no node is named as the one that failed it.
    expect(state.failedNodeId).toBeNull()
    expect(state.pendingInputs).toEqual([])
    // A job that failed says why: its error code.
    const timedOut = reduceEvents({ ...base(), type: 'workflow' }, [
      { seq: 1, at, type: 'node-start', nodeId: 'slow', kind: 'agent' },
      { seq: 2, at: 2_000, type: 'job-end', status: 'failed', error: { code: 'timeout', message: 'Job exceeded its time limit' }, metrics: emptyMetrics() },
    ] as JobEvent[])
    expect(timedOut.nodeStates.slow).toMatchObject({ status: 'failed', error: 'job failed (timeout)' })
  })

  it('keeps the job\'s error whole: the model endpoint\'s httpStatus with it, none on an error without it', () => {
    const ended = (error: JobError) => reduceEvents(base(), [
      { seq: 1, at, type: 'job-status', status: 'running' },
      { seq: 2, at: 2_000, type: 'job-end', status: 'failed', error, metrics: emptyMetrics() },
    ]).error
    const refused: JobError = { code: 'upstream-http', message: 'The model endpoint answered HTTP 401: invalid key', failedDuring: 'model', httpStatus: 401 }
    expect(ended(refused)).toEqual(refused)
    // A job stored before the field existed: the state has none, the message still names it.
    expect(ended({ code: 'upstream-http', message: 'The model endpoint answered HTTP 503: busy', failedDuring: 'model' })).not.toHaveProperty('httpStatus')
  })
})
