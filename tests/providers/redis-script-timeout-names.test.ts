/**
 * A Redis that stops answering (paused, `DEBUG SLEEP`, a long script): the 503 of a script call
 * that timed out names the script — the append of a job's events, a lease heartbeat, a creation —
 * so an operator reading "did not answer" in the log knows which write waited, not only that
 * "a script call" did.
 */
import { describe, expect, it } from 'vitest'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { onStandingClock } from '../support/standing-clock'
import { createJob, statusEvent } from './contract-fixtures'

const redis = useRedisServer()

describe('redis provider: a script call that timed out', () => {
  it('names the script in its 503', async () => {
    const provider = createRedisProvider({ url: redis.url, keyPrefix: 'named:', commandTimeoutMs: 300, healthCheckMs: 0, onError: () => {} })
    try {
      // Its checks at connect and the job's creation go through the 300 ms timeout too: on a clock
      // that stands still, Redis kept off a loaded machine's cores cannot fail them. The pause below
      // runs on the real clock.
      const job = await onStandingClock(async () => {
        await provider.ready()
        return await createJob(provider, { lease: { instanceId: 'owner', epoch: 1, expiresAt: Date.now() + 60_000 } })
      })
      process.kill(redis.pid, 'SIGSTOP')
      let failures: unknown[]
      try {
        failures = await Promise.all([
          provider.appendEvents(job.id, [statusEvent(1)], { epoch: 1 }),
          provider.heartbeatLease(job.id, { instanceId: 'owner', epoch: 1, expiresAt: 0 }, 15_000),
          createJob(provider),
          provider.get(job.id, { userId: job.userId }),
        ].map(call => call.then(() => null, (error: unknown) => error)))
      }
      finally {
        process.kill(redis.pid, 'SIGCONT')
      }
      for (const failure of failures) expect(failure).toBeInstanceOf(ProviderUnavailableError)
      expect(failures.map(failure => (failure as Error).message.replace(/ within.*/, ''))).toEqual([
        'Redis did not answer the append script',
        'Redis did not answer the lease heartbeat script',
        'Redis did not answer the create script',
        'Redis did not answer the owned read script',
      ])
    }
    finally {
      await provider.dispose()
    }
  })
})
