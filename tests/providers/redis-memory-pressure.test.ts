/**
 * A Redis under memory pressure (`maxmemory` reached with `noeviction`) refuses writes with
 * `OOM command not allowed …`: each call that writes is a 503 naming Redis and the cause (never a
 * bare error that a route turns into a 500), reads go on, and everything works again once memory
 * is freed. The file's redis-server runs with `noeviction` (useRedisServer).
 */
import { createClient } from 'redis'
import { describe, expect, it } from 'vitest'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { appendAccepted, createJob, statusEvent, textEvent } from './contract-fixtures'

const redis = useRedisServer(['--maxmemory-policy', 'noeviction'])

describe('redis provider under memory pressure', () => {
  it('refuses writes with a 503 naming Redis, its maxmemory and OOM, and recovers when memory frees', async () => {
    const provider = createRedisProvider({ url: redis.url, keyPrefix: 'oom:', onError: () => {} })
    const admin = createClient({ url: redis.url })
    try {
      await provider.ready()
      await admin.connect()
      const job = await createJob(provider)
      await appendAccepted(provider, job.id, [statusEvent(1)])
      // Any maxmemory below what Redis holds now: every write that may grow memory is refused.
      await admin.sendCommand(['CONFIG', 'SET', 'maxmemory', '1'])
      const refusals = await Promise.all([
        createJob(provider).then(() => null, (error: unknown) => error),
        provider.sendControl(job.id, { type: 'abort', userId: job.userId }).then(() => null, (error: unknown) => error),
        provider.appendEvents(job.id, [textEvent(2, 0, 'kept')], { epoch: 1 }).then(() => null, (error: unknown) => error),
      ])
      for (const refusal of refusals) {
        expect(refusal).toBeInstanceOf(ProviderUnavailableError)
        expect(refusal).toMatchObject({ statusCode: 503, retryAfterSeconds: 5 })
        expect((refusal as Error).message).toMatch(/^The job store \(Redis\) refused the command: OOM command not allowed .*maxmemory/)
        // The script's sha and line are noise to an operator.
        expect((refusal as Error).message).not.toMatch(/user_script/)
      }
      // Reads still work: viewers keep their catch-up.
      expect((await provider.get(job.id))?.status).toBe('running')
      await admin.sendCommand(['CONFIG', 'SET', 'maxmemory', '0'])
      // The refused append is retried as it was (the engine's persist queue does) and lands.
      await appendAccepted(provider, job.id, [textEvent(2, 0, 'kept')])
      expect((await createJob(provider)).status).toBe('queued')
    }
    finally {
      await admin.close().catch(() => {})
      await provider.dispose()
    }
  })
})
