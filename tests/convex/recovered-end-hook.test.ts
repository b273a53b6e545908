/**
 * A chat whose owner was lost is ended by the instance that takes it over, without running it
 * again: `completed` when the lost owner had stored its final round, else `failed` (`owner-lost`).
 * That end was stored, logged, counted and traced, but the app's `background-jobs:job-ended` hook
 * was never called, on any instance: an app that saves the answer there (docs/hooks.md's own
 * example: `if (state.status === 'completed') await db.messages.insert(…)`) lost it for good.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { EngineHooks } from '../../server/lib/engine-types'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createStepModel, textStep } from '../support/step-model'
import { createBackend } from './backend'
import { diesBefore, sayHelloRequest as request } from './dies-before'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

/** Hooks that record each job-ended call as `instance job status content`. */
function recordingHooks(instanceId: string, calls: string[]): EngineHooks {
  return { jobEnded: (job, state) => void calls.push(`${instanceId} ${job.id} ${job.status} ${state.status} ${state.content}`) }
}

describe('a lost owner\'s chat ended by the instance that took it over', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it.each([
    { case: 'completed (its final round was stored)', diesAt: 'job-end' as const, status: 'completed' },
    { case: 'failed (owner-lost)', diesAt: 'step-end' as const, status: 'failed' },
  ])('calls the job-ended hook there once: $case', async ({ diesAt, status }) => {
    const backend = createBackend()
    const calls: string[] = []
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: runChatJob, model: createStepModel([textStep('Hello.')]), wrap: diesBefore(diesAt), hooks: recordingHooks('A', calls) })
    const b = createEngineNode(backend, { instanceId: 'B', config, chat: runChatJob, hooks: recordingHooks('B', calls) })
    const { job } = await a.engine.createJob('u1', { request })
    await vi.advanceTimersByTimeAsync(8_000)
    expect((await b.engine.getJob('u1', job.id)).state.status).toBe(status)
    expect(calls).toEqual([`B ${job.id} ${status} ${status} Hello.`])
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
