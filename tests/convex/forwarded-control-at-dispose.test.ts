/**
 * An abort or an input answer for a job running on another instance waits for the owner's reply,
 * bounded by a timer of the engine (lease + 2 heartbeats: OwnerUnreachableError, 503). `dispose`
 * clears the engine's timers: a control still waiting then was never answered — its request hung
 * (holding Nitro's graceful shutdown for its whole timeout) with its reply and log subscriptions
 * open. Now the waiting controls end with `ShuttingDownError` (503: the client retries elsewhere).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { ShuttingDownError } from '../../server/lib/errors'
import type { JobProvider } from '../../server/lib/providers/types'
import { wait } from '../support/engine-harness'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
const chat = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }

/** An owner that keeps its lease but hears no controls (busy, or its control subscription is stuck). */
const deafToControls = (provider: JobProvider): JobProvider => Object.assign(Object.create(provider) as JobProvider, { subscribeControls: () => () => {} })

describe('a control forwarded to a remote owner when the engine is disposed', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it.each(['abort', 'answer'] as const)('%s: the waiting request ends with ShuttingDownError, not never', async (kind) => {
    const backend = createBackend()
    const owner = createEngineNode(backend, {
      instanceId: 'A',
      config,
      wrap: deafToControls,
      chat: async (context) => {
        for (;;) {
          context.text('word ')
          await wait(100, context.signal)
        }
      },
    })
    const other = createEngineNode(backend, { instanceId: 'B', config })
    const { job } = await owner.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(500)

    let outcome: unknown = 'pending'
    const request = kind === 'abort'
      ? other.engine.abortJob('u1', job.id)
      : other.engine.answerInput('u1', job.id, { requestId: 'r1', answer: 'approve' })
    void request.then(value => (outcome = value), (error: unknown) => (outcome = error))
    await vi.advanceTimersByTimeAsync(500)
    expect(outcome).toBe('pending')

    await other.engine.dispose()
    // Far past the reply timeout the engine's timer would have given (lease + 2 heartbeats = 5 s).
    await vi.advanceTimersByTimeAsync(30_000)
    expect(outcome).toBeInstanceOf(ShuttingDownError)
    await owner.engine.dispose()
  })

  it('a control whose send was still on its way at dispose ends the same way, with no timer started after', async () => {
    const backend = createBackend()
    const owner = createEngineNode(backend, {
      instanceId: 'A',
      config,
      wrap: deafToControls,
      chat: async (context) => {
        for (;;) {
          context.text('word ')
          await wait(100, context.signal)
        }
      },
    })
    // The store takes a second to take the control.
    const slowSend = (provider: JobProvider): JobProvider => Object.assign(Object.create(provider) as JobProvider, {
      sendControl: async (...args: Parameters<NonNullable<JobProvider['sendControl']>>) => {
        await wait(1_000)
        return await provider.sendControl!(...args)
      },
    })
    const other = createEngineNode(backend, { instanceId: 'B', config, wrap: slowSend })
    const { job } = await owner.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(500)

    let outcome: unknown = 'pending'
    void other.engine.abortJob('u1', job.id).then(value => (outcome = value), (error: unknown) => (outcome = error))
    await vi.advanceTimersByTimeAsync(100)
    await other.engine.dispose()
    await vi.advanceTimersByTimeAsync(1_000)
    expect(outcome).toBeInstanceOf(ShuttingDownError)
    expect(other.engine.stats().engineTimers).toBe(0)
    await owner.engine.dispose()
  })
})
