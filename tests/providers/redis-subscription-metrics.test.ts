/**
 * The redis provider counts what happens to its live-tail subscriptions: each failure on the way
 * to a follower (`subscription_failures_total{provider="redis"}`) and each time the pub/sub
 * connection came back (`subscription_reconnects_total{provider="redis"}`, once per reconnect
 * however many followers catch up). A dropped connection is logged, not counted as a failure.
 */
import { createClient } from 'redis'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createMetrics } from '../../server/lib/metrics'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { appendAccepted, createJob, statusEvent } from './contract-fixtures'

const redis = useRedisServer()

async function providerWithMetrics(prefix: string) {
  const metrics = createMetrics()
  const errors: unknown[] = []
  const contexts: unknown[] = []
  const provider = createRedisProvider({ url: redis.url, keyPrefix: prefix, metrics, onError: (error, context) => {
    errors.push(error)
    contexts.push(context)
  } })
  // Closed however the test ends: a failed assertion must not leave its connections open.
  onTestFinished(() => provider.dispose())
  await provider.ready()
  const counted = (name: string) => metrics.snapshot().counters[`${name}{provider="redis"}`] ?? 0
  return { provider, errors, contexts, counted }
}

describe('redis subscription metrics', () => {
  it('counts one reconnect per pub/sub reconnect, not one per follower; the drop itself is no subscription failure', async () => {
    const { provider, errors, counted } = await providerWithMetrics('reconnects:')
    const first = await createJob(provider)
    const second = await createJob(provider)
    const seen: number[] = []
    const stops = [
      provider.subscribe(first.id, events => seen.push(...events.map(event => event.seq)), { afterSeq: 0 }),
      provider.subscribe(second.id, () => {}, { afterSeq: 0 }),
      provider.subscribeUserJobs(first.userId, () => {}),
    ]
    await provider.settled()
    expect(counted('subscription_reconnects_total')).toBe(0)
    const admin = createClient({ url: redis.url })
    try {
      await admin.connect()
      await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub'])
      await provider.settled()
      expect(counted('subscription_reconnects_total')).toBe(1)
      await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub'])
      await provider.settled()
      expect(counted('subscription_reconnects_total')).toBe(2)
    }
    finally {
      await admin.close()
    }
    // The followers still follow, and the drop was reported (logged) but is no subscription failure.
    await appendAccepted(provider, first.id, [statusEvent(1)])
    await provider.settled()
    expect(seen).toEqual([1])
    expect(errors.length).toBeGreaterThan(0)
    expect(counted('subscription_failures_total')).toBe(0)
    for (const stop of stops) stop()
  })

  it('counts a listener that throws as a subscription failure, and reports it with the job it follows', async () => {
    const { provider, errors, contexts, counted } = await providerWithMetrics('failures:')
    const job = await createJob(provider)
    const stop = provider.subscribe(job.id, () => {
      throw new Error('viewer broke')
    }, { afterSeq: 0 })
    await appendAccepted(provider, job.id, [statusEvent(1)])
    await provider.settled()
    expect(counted('subscription_failures_total')).toBe(1)
    expect(errors).toEqual([expect.objectContaining({ message: 'viewer broke' })])
    // The log line names the job (create-provider.ts): `redis connection or subscription failed` with `jobId`.
    expect(contexts).toEqual([{ jobId: job.id }])
    stop()
  })
})
