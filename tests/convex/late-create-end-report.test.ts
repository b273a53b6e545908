/**
 * A creation Convex commits only after the caller gave up on it (answered 503) is ended by the
 * provider at once (`failed`, `store-unreachable`): a stored end like any other. It was neither
 * logged nor counted — the user finds a failed job in their list, and the operator found no line
 * with its id (the 503 is logged once per outage, without one) and no `job_errors_total` code.
 * docs/logs.md: `job ended` is "one line per stored end"; `jobs_ended_total` is counted by the
 * instance that wrote the end.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { createMetrics } from '../../server/lib/metrics'
import { NOTHING_SPENT, recordingLogger } from '../support/recording-logger'
import { createBackend, createInstance, newJob } from './backend'
import { createFaultyFacade, type FaultyFacade } from './fault-facade'

const TIMEOUT_MS = 1_000

describe('the end Convex stored for a creation that timed out', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is logged as `job ended` and counted as a failed end', async () => {
    const { logger, lines } = recordingLogger()
    const metrics = createMetrics()
    let faulty!: FaultyFacade
    const { provider } = createInstance(createBackend(), {
      timeoutMs: TIMEOUT_MS,
      logger,
      metrics,
      wrap: facade => (faulty = createFaultyFacade(facade)),
    })
    // Created by a request whose id was stored with the job (decision 26): its end line names it, as every end's does.
    const job = newJob({ lease: { instanceId: 'A', epoch: 1, expiresAt: Date.now() + 60_000 }, request: { type: 'chat', messages: [{ role: 'user', content: 'hello' }], requestId: 'req-late-1' } })
    faulty.disconnect()
    const refused = provider.create(job).then(() => null, (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS)
    expect(await refused).toBeInstanceOf(ProviderUnavailableError)

    await faulty.reconnect() // the creation commits now, and the provider ends it
    await vi.waitFor(async () => expect((await provider.get(job.id))?.status).toBe('failed'))

    expect(lines.filter(line => line.message === 'job ended')).toEqual([
      { level: 'warn', message: 'job ended', fields: { jobId: job.id, type: 'chat', status: 'failed', error: 'store-unreachable', instanceId: 'A', failedDuring: 'engine', ...NOTHING_SPENT, requestId: 'req-late-1' } },
    ])
    expect(metrics.snapshot().counters).toMatchObject({
      'jobs_ended_total{status="failed"}': 1,
      'job_errors_total{code="store-unreachable"}': 1,
    })
    await provider.dispose()
  })
})
