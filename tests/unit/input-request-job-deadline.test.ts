/**
 * An input request said when it expires and what happens then (`expiresAt`, `onTimeout`), but
 * counted only its own wait: the job's time limit (`limits.jobTimeoutMs`) counts the wait too, so
 * a question whose wait ran past it (a node's `timeoutMs` of an hour, or a question asked late in
 * the job) said "if nobody answers by 15:00, the draft is rejected" while the job failed as a
 * `timeout` at 14:10 and the rejection never came. Such a request now says the job's end and
 * `fail` — what happens then — and the job fails at exactly that time. A request that expires
 * before the job's end says its own expiry and `onTimeout`, as before.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine } from '../support/workflow-engine'

const START = Date.parse('2026-12-02T14:00:00Z')
const MINUTE = 60_000

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(START)
})
afterEach(() => { vi.useRealTimers() })

const review = defineWorkflow({
  name: 'review',
  description: 'two approvals',
  input: z.object({}),
  nodes: {
    first: { kind: 'input', prompt: 'Approve the outline?', schema: z.boolean(), timeoutMs: 4 * MINUTE, onTimeout: 'default', timeoutAnswer: false },
    second: { kind: 'input', prompt: 'Approve the draft?', schema: z.boolean(), timeoutMs: 60 * MINUTE, onTimeout: 'default', timeoutAnswer: false },
    done: { kind: 'output', value: '{{outputs.first}} {{outputs.second}}' },
  },
  edges: [['first', 'second'], ['second', 'done']],
})

async function pending(state: (id: string) => Promise<{ pendingInputs: { nodeId?: string, expiresAt: number, onTimeout: string }[] }>, jobId: string, nodeId: string) {
  const request = (await state(jobId)).pendingInputs.find(input => input.nodeId === nodeId)
  return request && { expiresAt: request.expiresAt, onTimeout: request.onTimeout }
}

describe('an input request and the job\'s time limit', () => {
  it('says its own expiry and onTimeout when it expires before the job\'s end', async () => {
    const { engine, start, state } = createWorkflowEngine([review], { config: { limits: { jobTimeoutMs: 10 * MINUTE } } })
    const jobId = await start('review')
    await vi.advanceTimersByTimeAsync(10)
    expect(await pending(state, jobId, 'first')).toEqual({ expiresAt: START + 4 * MINUTE, onTimeout: 'default' })
    await engine.dispose()
  })

  it('says the job\'s end and `fail` when its own wait runs past it, and the job fails then', async () => {
    const { engine, start, state, answer } = createWorkflowEngine([review], { config: { limits: { jobTimeoutMs: 10 * MINUTE } } })
    const jobId = await start('review')
    await vi.advanceTimersByTimeAsync(3 * MINUTE)
    await answer(jobId, 'first', true)
    await vi.advanceTimersByTimeAsync(10)
    // Asked at 14:03 with an hour to wait; the job may run until 14:10.
    expect(await pending(state, jobId, 'second')).toEqual({ expiresAt: START + 10 * MINUTE, onTimeout: 'fail' })
    await vi.advanceTimersByTimeAsync(7 * MINUTE - 11)
    expect((await state(jobId)).status).toBe('waiting')
    await vi.advanceTimersByTimeAsync(1)
    await engine.whenSettled(jobId)
    const ended = await state(jobId)
    expect(ended.status).toBe('failed')
    expect(ended.error?.code).toBe('timeout')
    await engine.dispose()
  })

  it('says the job\'s end when the two are the same time (the job\'s limit wins the tie)', async () => {
    const { engine, start, state } = createWorkflowEngine([review], { config: { limits: { jobTimeoutMs: 4 * MINUTE } } })
    const jobId = await start('review')
    await vi.advanceTimersByTimeAsync(10)
    expect(await pending(state, jobId, 'first')).toEqual({ expiresAt: START + 4 * MINUTE, onTimeout: 'fail' })
    await vi.advanceTimersByTimeAsync(4 * MINUTE)
    await engine.whenSettled(jobId)
    expect((await state(jobId)).error?.code).toBe('timeout')
    await engine.dispose()
  })
})
