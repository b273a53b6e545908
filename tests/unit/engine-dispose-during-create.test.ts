/**
 * Shutdown while a job's creation is still being stored (SIGTERM during a POST /api/jobs): the
 * run of that job must be stopped by the shutdown like any other, never start on the disposed
 * engine and go on running (timers, writes) after `dispose` returned.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { RunContext } from '../../server/lib/run-context'
import type { JobProvider } from '../../server/lib/providers/types'
import { ShuttingDownError } from '../../server/lib/errors'
import { chatRequest, createTestEngine, wait } from '../support/engine-harness'

async function slowText(context: RunContext) {
  for (let index = 0; index < 50; index++) {
    await wait(20, context.signal)
    context.text(`t${index} `)
  }
}

/** Holds every `create` until `release()`; counts the writes made after `dispose`, keeps the last job's state as it was then. */
function holdCreates(provider: JobProvider) {
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  const counts: { appendsAfterDispose: number, disposed: boolean, jobId?: string, stateAtDispose?: unknown } = { appendsAfterDispose: 0, disposed: false }
  const wrapped: JobProvider = Object.assign(Object.create(provider) as JobProvider, {
    create: async (...args: Parameters<JobProvider['create']>) => {
      await gate
      counts.jobId = args[0].id
      return await provider.create(...args)
    },
    appendEvents: async (...args: Parameters<JobProvider['appendEvents']>) => {
      if (counts.disposed) counts.appendsAfterDispose++
      return await provider.appendEvents(...args)
    },
    dispose: async () => {
      counts.disposed = true
      counts.stateAtDispose = counts.jobId ? await provider.getState(counts.jobId) : null
      await provider.dispose?.()
    },
  })
  return { wrapped, release: () => release(), counts }
}

describe('dispose while a job is being created', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('the job stored meanwhile is stopped with the others (failed, shutdown): nothing is left and nothing is written after', async () => {
    let hold!: ReturnType<typeof holdCreates>
    const { engine } = createTestEngine({ runners: { chat: slowText }, wrap: (provider) => {
      hold = holdCreates(provider)
      return hold.wrapped
    } })
    const creating = engine.createJob('u1', { request: chatRequest }).then(result => result, (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(0)
    const disposing = engine.dispose()
    await vi.advanceTimersByTimeAsync(0)
    hold.release()
    await vi.advanceTimersByTimeAsync(10_000)
    await disposing
    const created = await creating as Awaited<ReturnType<typeof engine.createJob>>
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0, engineTimers: 0, unpersistedEvents: 0 })
    expect(hold.counts.appendsAfterDispose).toBe(0)
    expect(hold.counts.jobId).toBe(created.job.id)
    expect(hold.counts.stateAtDispose).toMatchObject({ status: 'failed', error: { code: 'shutdown' } })
  })

  it('a creation stored after dispose stopped waiting (one lease period) starts no run: 503 ShuttingDownError', async () => {
    let hold!: ReturnType<typeof holdCreates>
    const { engine } = createTestEngine({ runners: { chat: slowText }, config: { lease: { durationMs: 2_000, heartbeatMs: 500 } }, wrap: (provider) => {
      hold = holdCreates(provider)
      return hold.wrapped
    } })
    const creating = engine.createJob('u1', { request: chatRequest }).then(result => result, (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(0)
    const disposing = engine.dispose()
    await vi.advanceTimersByTimeAsync(2_000)
    await disposing
    hold.release()
    expect(await creating).toBeInstanceOf(ShuttingDownError)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0, engineTimers: 0 })
    expect(hold.counts.appendsAfterDispose).toBe(0)
  })
})
