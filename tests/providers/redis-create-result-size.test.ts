/**
 * `create` answers with the record it stored; on Redis it read the new job back whole (`HGETALL`),
 * so Redis sent back the request the server had just sent it — up to 1 MB for an AI SDK chat, which
 * stores its whole history in every turn's request, on every turn. A new job now comes back with
 * the request the server sent and the rest as stored; a retry with the same idempotency key gets the
 * stored job with its request as a listing gives it, fingerprint included (what the retry is compared
 * by: redis-idempotent-retry-read-request.test.ts). The bytes Redis sends (its `total_net_output_bytes`) must not grow with
 * a new job's request.
 */
import { expect, it, onTestFinished } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { redisSentBytes } from '../support/redis-sent-bytes'
import { newJob, WRITER_LEASE } from './contract-fixtures'

const redis = useRedisServer()

it('answers a new long chat without sending its request back; a retry gets the stored one, as listed', async () => {
  const provider = createRedisProvider({ url: redis.url, keyPrefix: `create-size-${process.pid}:`, onError: () => {} })
  await provider.ready()
  const { sentBytes } = await redisSentBytes(redis.url)
  onTestFinished(async () => {
    await provider.dispose()
  })
  const history = 'h'.repeat(500_000)
  const request = { type: 'chat' as const, messages: [{ role: 'user' as const, content: history }, { role: 'assistant' as const, content: 'Sure.' }, { role: 'user' as const, content: 'And now?' }], fingerprint: 'fp-1' }
  const job = newJob({ userId: 'u1', idempotencyKey: 'key-1', request, lease: WRITER_LEASE })

  const before = await sentBytes()
  const { record, created } = await provider.create(job, { leaseMs: 60_000 })
  expect(await sentBytes() - before).toBeLessThan(history.length / 10)
  expect(created).toBe(true)
  expect(record).toEqual(await provider.get(job.id))

  const retry = await provider.create({ ...job, id: 'another-id' })
  expect(retry).toEqual({ record: await provider.getListed(job.id), created: false })
  expect(retry.record.request).toEqual({ ...request, messages: [request.messages[2]] })
})
