/**
 * A creation Redis runs only after the provider stopped waiting for it (Redis paused or busy
 * longer than `commandTimeoutMs`: `CLIENT PAUSE`, `DEBUG SLEEP`, a slow script, a swapping host).
 * The route answered 503 and nothing started, yet Redis stores the job late, leased to the
 * instance that gave up on it. Left alone, it counted against the user's active limit until its
 * lease lapsed, and then recovery ran it (a workflow, or a chat with `recovery.chat: continue`) —
 * work the user was told had failed. The provider ends such a job as soon as Redis stored it —
 * a stored end like any other, so it is logged (`job ended`) and counted (it was neither: the user
 * found a failed job in their list, the operator no line with its id).
 */
import { createClient } from 'redis'
import { describe, expect, it } from 'vitest'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { createMetrics } from '../../server/lib/metrics'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { NOTHING_SPENT, recordingLogger } from '../support/recording-logger'
import { createJob, newJob } from './contract-fixtures'

const TIMEOUT_MS = 200
const PAUSE_MS = 1_000

const redis = useRedisServer()

describe('redis provider: a creation Redis runs after the caller gave up on it', () => {
  it('is refused 503 to the caller, then ended failed (store-unreachable) once Redis stores it, and counts as active no more', async () => {
    const { logger, lines } = recordingLogger()
    const metrics = createMetrics()
    const provider = createRedisProvider({ url: redis.url, keyPrefix: 'late-create:', commandTimeoutMs: TIMEOUT_MS, onError: () => {}, logger, metrics })
    const admin = createClient({ url: redis.url })
    try {
      await Promise.all([provider.ready(), admin.connect()])
      // One creation first, so the script is loaded and the late one runs as it is sent.
      await createJob(provider, { userId: 'other-user' })
      // Every client waits PAUSE_MS, longer than the provider waits for an answer.
      await admin.sendCommand(['CLIENT', 'PAUSE', String(PAUSE_MS), 'ALL'])
      // Created by a request whose id was stored with the job (decision 26): its end line names it, as every end's does.
      const job = newJob({ userId: 'late-user', lease: { instanceId: 'gave-up', epoch: 1, expiresAt: Date.now() + 60_000 }, request: { type: 'chat', messages: [{ role: 'user', content: 'hello' }], requestId: 'req-late-1' } })
      const refused = await provider.create(job).then(() => null, (error: unknown) => error)
      expect(refused).toBeInstanceOf(ProviderUnavailableError)

      // Redis runs the creation once the pause is over; the provider ends it as soon as it hears so.
      await expect.poll(async () => (await provider.get(job.id))?.status, { timeout: 10_000, interval: 50 }).toBe('failed')
      expect(await provider.getState(job.id)).toMatchObject({ status: 'failed', error: { code: 'store-unreachable' } })
      expect(await provider.countActive({ userId: 'late-user' })).toBe(0)
      expect(await provider.listExpiredLeases()).toEqual([])
      expect(lines.filter(line => line.message === 'job ended')).toEqual([
        { level: 'warn', message: 'job ended', fields: { jobId: job.id, type: 'chat', status: 'failed', error: 'store-unreachable', instanceId: 'gave-up', failedDuring: 'engine', ...NOTHING_SPENT, requestId: 'req-late-1' } },
      ])
      expect(metrics.snapshot().counters).toMatchObject({ 'jobs_ended_total{status="failed"}': 1, 'job_errors_total{code="store-unreachable"}': 1 })
    }
    finally {
      await admin.close().catch(() => {})
      await provider.dispose()
    }
  })
})
