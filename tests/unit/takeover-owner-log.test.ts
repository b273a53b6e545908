/**
 * Which instance took a lost owner's job over, and from which: an operator reading one instance's
 * logs after another died (SIGKILL) must tell from the takeover lines which instance lost the job
 * and which runs or ended it now (`NUXT_BACKGROUND_JOBS_INSTANCE_ID`, instances.md: "useful in
 * logs"). Two engines share one memory provider (fake timers); the creating one dies after a
 * lease renewal. Before, `resuming a job whose owner was lost` and `ended a job whose owner was
 * lost` named neither instance: no log line named one at all.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { MemoryProvider } from '../../server/lib/providers/memory'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { diesAfterRenewal } from '../support/dies-after-renewal'
import { recordingLogger } from '../support/recording-logger'
import { createSharedMemoryEngine, sharedMemory } from '../support/shared-memory'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

describe('the takeover lines', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('name the lost owner and this instance when a workflow is resumed', async () => {
    const store: MemoryProvider = createMemoryProvider()
    const { logger, lines } = recordingLogger()
    const b = createSharedMemoryEngine({ provider: sharedMemory(store), instanceId: 'inst-b', config, logger })
    await vi.advanceTimersByTimeAsync(1)
    const died = { at: null as number | null }
    const a = createSharedMemoryEngine({ provider: diesAfterRenewal(died)(sharedMemory(store)), instanceId: 'inst-a', config })
    const { job } = await a.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    for (let step = 0; step < 1_000 && !lines.some(line => line.message === 'resuming a job whose owner was lost'); step++) await vi.advanceTimersByTimeAsync(10)
    expect(died.at).not.toBeNull()
    expect(lines.find(line => line.message === 'resuming a job whose owner was lost')?.fields).toMatchObject({ jobId: job.id, instanceId: 'inst-b', lostOwner: 'inst-a' })
    await b.dispose()
  })

  it('name the lost owner and this instance when a chat is ended owner-lost', async () => {
    const store: MemoryProvider = createMemoryProvider()
    const { logger, lines } = recordingLogger()
    const b = createSharedMemoryEngine({ provider: sharedMemory(store), instanceId: 'inst-b', config, logger })
    await vi.advanceTimersByTimeAsync(1)
    const died = { at: null as number | null }
    const a = createSharedMemoryEngine({ provider: diesAfterRenewal(died)(sharedMemory(store)), instanceId: 'inst-a', config, chat: () => new Promise(() => {}) })
    const { job } = await a.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] } })
    for (let step = 0; step < 1_000 && !lines.some(line => line.message === 'job ended'); step++) await vi.advanceTimersByTimeAsync(10)
    expect(died.at).not.toBeNull()
    expect(lines.find(line => line.message === 'ended a job whose owner was lost')?.fields).toMatchObject({ jobId: job.id, code: 'owner-lost', instanceId: 'inst-b', lostOwner: 'inst-a' })
    await b.dispose()
  })
})
