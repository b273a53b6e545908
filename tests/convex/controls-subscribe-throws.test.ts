/**
 * The owner follows a job's controls through `subscribeControls` from the start of its run. A
 * provider whose subscription throws at once (its client closed, a bug) left the run half-started:
 * `createJob` rejected (a 500) after the job was stored, and the run stayed registered — status
 * `running` for ever, a slot of the concurrency limits held, its write queue open, no end. Now the
 * job ends `failed` with code `controls-unavailable` (its stored content kept) and the run releases
 * everything; the same on a takeover. An unsubscribe that throws at the end no longer keeps the run
 * registered either.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobProvider } from '../../server/lib/providers/types'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
const chat = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }

/** A provider whose control subscription throws synchronously. */
const throwingSubscription = (provider: JobProvider): JobProvider => Object.assign(Object.create(provider) as JobProvider, {
  subscribeControls: () => {
    throw new Error('the control channel is closed')
  },
})

describe('a control subscription that throws as the run starts', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('ends the job failed (controls-unavailable) and releases the run', async () => {
    const backend = createBackend()
    let ran = false
    const owner = createEngineNode(backend, { instanceId: 'A', config, wrap: throwingSubscription, chat: async () => { ran = true } })
    const { job } = await owner.engine.createJob('u1', { request: chat })
    await owner.engine.whenSettled(job.id)
    await vi.advanceTimersByTimeAsync(100)

    const { job: ended, state } = await owner.engine.getJob('u1', job.id)
    expect(ran).toBe(false)
    expect(ended.status).toBe('failed')
    expect(state.error?.code).toBe('controls-unavailable')
    expect(owner.engine.stats()).toMatchObject({ runs: 0, jobTimers: 0, unpersistedEvents: 0 })
    await owner.engine.dispose()
  })

  it('on a takeover: the resumed job ends failed (controls-unavailable) with the text the lost owner stored', async () => {
    const backend = createBackend()
    const resuming = { ...config, recovery: { ...config.recovery, chat: 'continue' as const } }
    // The first owner stores some text, then stops renewing its lease (frozen).
    const frozen = (provider: JobProvider): JobProvider => ({ ...provider, heartbeatLease: () => new Promise<boolean>(() => {}) })
    const a = createEngineNode(backend, { instanceId: 'A', config: resuming, wrap: frozen, chat: async (context) => {
      context.text('Hello ')
      await new Promise(() => {})
    } })
    let ranAgain = false
    const b = createEngineNode(backend, { instanceId: 'B', config: resuming, wrap: throwingSubscription, chat: async () => { ranAgain = true } })
    const { job } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(8_000)

    const { state } = await b.engine.getJob('u1', job.id)
    expect(ranAgain).toBe(false)
    expect(state).toMatchObject({ status: 'failed', content: 'Hello ', error: { code: 'controls-unavailable' } })
    expect(b.engine.stats()).toMatchObject({ runs: 0, jobTimers: 0, unpersistedEvents: 0 })
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })

  it('an unsubscribe that throws at the end still releases the run', async () => {
    const backend = createBackend()
    const throwingUnsubscribe = (provider: JobProvider): JobProvider => Object.assign(Object.create(provider) as JobProvider, {
      subscribeControls: (...args: Parameters<NonNullable<JobProvider['subscribeControls']>>) => {
        const unsubscribe = provider.subscribeControls!(...args)
        return () => {
          unsubscribe()
          throw new Error('the control channel is closed')
        }
      },
    })
    const owner = createEngineNode(backend, { instanceId: 'A', config, wrap: throwingUnsubscribe, chat: async (context) => {
      context.text('Hi')
    } })
    const { job } = await owner.engine.createJob('u1', { request: chat })
    await owner.engine.whenSettled(job.id)
    const { state } = await owner.engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'completed', content: 'Hi' })
    expect(owner.engine.stats()).toMatchObject({ runs: 0, jobTimers: 0, unpersistedEvents: 0 })
    await owner.engine.dispose()
  })
})
