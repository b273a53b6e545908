/**
 * Which instance ran a job: with N instances an operator searching the logs for a job's
 * `job created` and `job ended` lines could not tell which instance wrote them — only the takeover
 * lines named one (`instanceId`). Both now carry `instanceId` (the same field): the instance that
 * created the job, and the one that wrote its end (its creator, or the instance that took it over
 * from a lost owner). Two engines share one memory provider (fake timers), as in
 * takeover-owner-log.test.ts; the creating one dies after a lease renewal.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { MemoryProvider } from '../../server/lib/providers/memory'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { diesAfterRenewal } from '../support/dies-after-renewal'
import { chatRequest as chat, createTestEngine } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'
import { createSharedMemoryEngine, sharedMemory } from '../support/shared-memory'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

describe('the job created and job ended lines', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('name the instance that created and ended the job', async () => {
    const { logger, lines } = recordingLogger()
    const a = createSharedMemoryEngine({ provider: sharedMemory(createMemoryProvider()), instanceId: 'inst-a', config, logger })
    const { job } = await a.createJob('u1', { request: chat })
    await a.whenSettled(job.id)
    expect(lines.filter(line => line.message === 'job created' || line.message === 'job ended').map(line => [line.message, line.fields])).toEqual([
      ['job created', expect.objectContaining({ jobId: job.id, instanceId: 'inst-a' })],
      ['job ended', expect.objectContaining({ jobId: job.id, status: 'completed', instanceId: 'inst-a' })],
    ])
    await a.dispose()
  })

  it('name the instance that ended a lost owner\'s job, not the one that created it', async () => {
    const store: MemoryProvider = createMemoryProvider()
    const { logger: loggerA, lines: linesA } = recordingLogger()
    const { logger: loggerB, lines: linesB } = recordingLogger()
    const b = createSharedMemoryEngine({ provider: sharedMemory(store), instanceId: 'inst-b', config, logger: loggerB })
    await vi.advanceTimersByTimeAsync(1)
    const died = { at: null as number | null }
    const a = createSharedMemoryEngine({ provider: diesAfterRenewal(died)(sharedMemory(store)), instanceId: 'inst-a', config, logger: loggerA, chat: () => new Promise(() => {}) })
    const { job } = await a.createJob('u1', { request: chat })
    for (let step = 0; step < 1_000 && !linesB.some(line => line.message === 'job ended'); step++) await vi.advanceTimersByTimeAsync(10)
    expect(died.at).not.toBeNull()
    expect(linesA.find(line => line.message === 'job created')?.fields).toMatchObject({ jobId: job.id, instanceId: 'inst-a' })
    expect(linesB.find(line => line.message === 'job ended')?.fields).toMatchObject({ jobId: job.id, error: 'owner-lost', instanceId: 'inst-b' })
    await b.dispose()
  })

  it('name this instance with the memory provider too (the id the metrics route shows)', async () => {
    const { logger, lines } = recordingLogger()
    const { engine } = createTestEngine({ logger, config: { instanceId: 'solo' }, runners: { chat: async () => {} } })
    const { job } = await engine.createJob('u1', { request: chat })
    await engine.whenSettled(job.id)
    for (const message of ['job created', 'job ended']) expect(lines.find(line => line.message === message)?.fields).toMatchObject({ jobId: job.id, instanceId: 'solo' })
    await engine.dispose()
  })
})
