/**
 * The deployment's `BACKGROUND_JOBS_RETENTION_MS` (providers.md, "Retention"): a value that is no
 * number of milliseconds (`24h`, `1d`, `86_400_000`, `0x10`) must not be read as the 1 hour default —
 * the cron would delete a day's chats 23 hours early with nothing said. Nothing is deleted until it
 * is fixed, and each run logs why, naming the variable.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { internal } from '../../convex/_generated/api'
import { createBackend, createInstance, endEvent, newJob } from './backend'

const HOUR = 3_600_000

/** A backend with one job that ended two hours ago. */
async function jobEndedTwoHoursAgo() {
  const backend = createBackend()
  const { provider } = createInstance(backend)
  const job = newJob()
  await provider.create(job)
  await provider.appendEvents(job.id, [endEvent(1, 'completed', Date.now() - 2 * HOUR)], { epoch: 1 })
  return { backend, provider, job }
}

describe('BACKGROUND_JOBS_RETENTION_MS on the deployment', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(100 * HOUR)
  })
  afterEach(() => {
    vi.unstubAllEnvs()
    vi.restoreAllMocks()
    vi.useRealTimers()
  })

  it.each(['24h', '1d', '86_400_000', '0x10', '-5', '0'])('%s deletes nothing and says why, naming the variable', async (value) => {
    vi.stubEnv('BACKGROUND_JOBS_RETENTION_MS', value)
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const { backend, provider, job } = await jobEndedTwoHoursAgo()
    expect(await backend.mutation(internal.cleanup.deleteExpiredJobs, {})).toBe(0)
    expect(await provider.get(job.id)).not.toBeNull()
    expect(errors.mock.calls.map(call => String(call[0]))).toEqual([expect.stringMatching(/^BACKGROUND_JOBS_RETENTION_MS .* is not a whole number of milliseconds above 0.*no finished job is deleted until it is/)])
  })

  it('a number of milliseconds, or none (1 hour), is the retention', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    vi.stubEnv('BACKGROUND_JOBS_RETENTION_MS', ' 86400000 ')
    const kept = await jobEndedTwoHoursAgo()
    expect(await kept.backend.mutation(internal.cleanup.deleteExpiredJobs, {})).toBe(0)
    vi.stubEnv('BACKGROUND_JOBS_RETENTION_MS', '3.6e6')
    const deleted = await jobEndedTwoHoursAgo()
    expect(await deleted.backend.mutation(internal.cleanup.deleteExpiredJobs, {})).toBe(1)
    vi.stubEnv('BACKGROUND_JOBS_RETENTION_MS', '')
    const byDefault = await jobEndedTwoHoursAgo()
    expect(await byDefault.backend.mutation(internal.cleanup.deleteExpiredJobs, {})).toBe(1)
    expect(await byDefault.provider.get(byDefault.job.id)).toBeNull()
    expect(errors).not.toHaveBeenCalled()
  })
})
