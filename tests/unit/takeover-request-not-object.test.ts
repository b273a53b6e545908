/**
 * A job taken over whose stored request is not an object at all (a record damaged in the store,
 * `request: null`) is ended `invalid-request` without running, as one whose request no route would
 * accept; its `job ended` line is written, with the trace of that end (the span says what it can
 * without a request). Before, the recovered end's span read `request.type` of null (and, since the
 * lines name a workflow, the line too): the recovery scan threw after the end was stored, so no
 * line, no `job-ended` hook, and `recovery scan failed` with a TypeError.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { MemoryProvider } from '../../server/lib/providers/memory'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { diesAfterRenewal } from '../support/dies-after-renewal'
import { recordingLogger } from '../support/recording-logger'
import { createSharedMemoryEngine, sharedMemory } from '../support/shared-memory'
import { useTracingPerTest } from '../support/tracing'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

describe('a job taken over whose stored request is null', () => {
  const useTracing = useTracingPerTest()
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('ends invalid-request with its job ended line and span', async () => {
    const tracing = useTracing()
    const store: MemoryProvider = createMemoryProvider()
    const { logger, lines } = recordingLogger()
    // Instance b reads the record damaged: its request is null.
    const damaged = { ...sharedMemory(store), get: async (id: string) => {
      const record = await store.get(id)
      return record && { ...record, request: null as never }
    } }
    const b = createSharedMemoryEngine({ provider: damaged, instanceId: 'b', config, logger })
    await vi.advanceTimersByTimeAsync(1)
    const died = { at: null as number | null }
    const a = createSharedMemoryEngine({ provider: diesAfterRenewal(died)(sharedMemory(store)), instanceId: 'a', config })
    const { job } = await a.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    for (let step = 0; step < 1_000 && !lines.some(line => line.message === 'job ended'); step++) await vi.advanceTimersByTimeAsync(10)
    expect(died.at).not.toBeNull()
    expect((await store.get(job.id))?.status).toBe('failed')
    expect(lines.find(line => line.message === 'job ended')?.fields).toMatchObject({ jobId: job.id, type: 'workflow', status: 'failed', error: 'invalid-request' })
    expect(lines.some(line => line.message.startsWith('recovery scan failed'))).toBe(false)
    const ended = tracing.named('background_jobs.job').find(span => span.attributes['background_jobs.instance.id'] === 'b')
    expect(ended?.attributes).toMatchObject({ 'background_jobs.job.id': job.id, 'background_jobs.error.code': 'invalid-request' })
    expect(lines.find(line => line.message === 'job ended')?.fields?.traceId).toBe(ended?.spanContext().traceId)
    await b.dispose()
  })
})
