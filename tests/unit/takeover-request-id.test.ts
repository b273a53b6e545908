/**
 * The id of the request that created a job (`X-Request-Id`) is stored with it (request.requestId),
 * so a run another instance takes over names the same request on its lines — `job ended` among
 * them, whichever request is handled then — and on its job span, and its owner reads it in the
 * job's summary. Two
 * engines share one memory provider (fake timers); the creating one dies after a lease renewal.
 * Before, the taken-over run's lines and span named no request and the summary had no id.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { MemoryProvider } from '../../server/lib/providers/memory'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { runInRequestScope } from '../../server/lib/request-scope'
import { diesAfterRenewal } from '../support/dies-after-renewal'
import { recordingLogger } from '../support/recording-logger'
import { createSharedMemoryEngine, sharedMemory } from '../support/shared-memory'
import { useTracingPerTest } from '../support/tracing'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

describe('the id of the request that created a job', () => {
  const useTracing = useTracingPerTest()
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is on the lines and the span of a run taken over on another instance, and in the owner\'s summary there', async () => {
    const tracing = useTracing()
    const store: MemoryProvider = createMemoryProvider()
    const { logger, lines } = recordingLogger()
    const b = createSharedMemoryEngine({ provider: sharedMemory(store), instanceId: 'b', config, logger })
    await vi.advanceTimersByTimeAsync(1)
    const died = { at: null as number | null }
    const a = createSharedMemoryEngine({ provider: diesAfterRenewal(died)(sharedMemory(store)), instanceId: 'a', config })
    const { job } = await runInRequestScope('create-1', () => a.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } }))
    expect(job.requestId).toBe('create-1')
    for (let step = 0; step < 1_000 && (await store.get(job.id))?.lease?.instanceId !== 'b'; step++) await vi.advanceTimersByTimeAsync(10)
    expect(died.at).not.toBeNull()

    // The run taken over on b asks again; answered there within another request.
    let pending: string | undefined
    for (let step = 0; step < 100 && pending === undefined; step++) {
      await vi.advanceTimersByTimeAsync(10)
      pending = (await b.getJob('u1', job.id)).state.pendingInputs[0]?.requestId
    }
    const seen = await b.getJob('u1', job.id)
    expect(seen.job.requestId).toBe('create-1')
    await runInRequestScope('answer-2', () => b.answerInput('u1', job.id, { requestId: pending!, answer: { go: true } }))
    for (let step = 0; step < 100 && !lines.some(line => line.message === 'job ended'); step++) await vi.advanceTimersByTimeAsync(10)

    const ended = lines.find(line => line.message === 'job ended' && line.fields?.jobId === job.id)
    expect(ended?.fields).toMatchObject({ status: 'completed', requestId: 'create-1' })
    expect(lines.find(line => line.message === 'resuming a job whose owner was lost')?.fields).toMatchObject({ jobId: job.id, requestId: 'create-1' })
    expect((await b.getJob('u1', job.id)).job).toMatchObject({ status: 'completed', requestId: 'create-1' })
    const resumed = tracing.named('background_jobs.job').find(span => span.attributes['background_jobs.run.resumed'] === true)
    expect(resumed?.attributes).toMatchObject({ 'background_jobs.job.id': job.id, 'background_jobs.job.request_id': 'create-1', 'background_jobs.instance.id': 'b' })
    await b.dispose()
  })

  it('is on the `job ended` line of a chat that recovery ends without running it (recovery.chat fail)', async () => {
    const store: MemoryProvider = createMemoryProvider()
    const { logger, lines } = recordingLogger()
    const b = createSharedMemoryEngine({ provider: sharedMemory(store), instanceId: 'b', config, logger })
    await vi.advanceTimersByTimeAsync(1)
    const died = { at: null as number | null }
    const a = createSharedMemoryEngine({ provider: diesAfterRenewal(died)(sharedMemory(store)), instanceId: 'a', config, chat: () => new Promise(() => {}) })
    const { job } = await runInRequestScope('create-chat', () => a.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] } }))
    for (let step = 0; step < 1_000 && !lines.some(line => line.message === 'job ended'); step++) await vi.advanceTimersByTimeAsync(10)
    expect(died.at).not.toBeNull()
    expect(lines.find(line => line.message === 'ended a job whose owner was lost')?.fields).toMatchObject({ jobId: job.id, requestId: 'create-chat' })
    expect(lines.find(line => line.message === 'job ended')?.fields).toMatchObject({ jobId: job.id, status: 'failed', error: 'owner-lost', requestId: 'create-chat' })
    await b.dispose()
  })

  it('is none for a job created outside a request, whatever its input said', async () => {
    const store: MemoryProvider = createMemoryProvider()
    const engine = createSharedMemoryEngine({ provider: sharedMemory(store), instanceId: 'a', config })
    const { job } = await engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {}, requestId: 'made-up' } })
    expect(job.requestId).toBeUndefined()
    expect((await store.get(job.id))!.request.requestId).toBeUndefined()
    await engine.dispose()
  })
})
