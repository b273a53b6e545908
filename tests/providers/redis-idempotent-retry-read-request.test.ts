/**
 * A retry with the same `Idempotency-Key` is compared with the job it started by the fingerprint
 * stored with that job's request (idempotency.ts), which the request as a listing gives it keeps.
 * On Redis the create script's `existing` answer was read back whole (`HGETALL`): the stored
 * request, up to 1 MB for an AI SDK chat (its whole history), was sent back on every retry only
 * for its fingerprint. The bytes Redis sends (its `total_net_output_bytes`) must not grow with the
 * history; the same key with another body is still a 422, and the app's hooks still get it whole.
 */
import { expect, it } from 'vitest'
import { IdempotencyKeyReusedError } from '../../server/lib/errors'
import { useRedisEngines } from '../support/redis-engines'
import { redisSentBytes } from '../support/redis-sent-bytes'
import { createJob } from './contract-fixtures'
import { longHistoryChat } from '../support/long-history'

const { redis, engines } = useRedisEngines()

it('answers a retry of a long chat\'s creation without reading its whole history', async () => {
  const { engine, provider } = await engines.start({ url: redis.url, keyPrefix: `idem-read-${process.pid}:`, instanceId: 'b' })
  const { sentBytes } = await redisSentBytes(redis.url)
  const { history, messages } = longHistoryChat()
  // Stored as the route stores a keyed creation: with the fingerprint of its body.
  const job = await createJob(provider, { userId: 'u1', idempotencyKey: 'turn-2', request: { type: 'chat', messages, fingerprint: 'fp-1' } })

  const before = await sentBytes()
  const retry = await engine.createJob('u1', { request: { type: 'chat', messages }, idempotencyKey: 'turn-2', requestFingerprint: 'fp-1' })
  expect(retry).toMatchObject({ created: false, job: { id: job.id, prompt: 'And now?' } })
  expect(await sentBytes() - before).toBeLessThan(history.length / 10)

  // The same key with another body is still refused, and the whole request is still there for the hooks.
  await expect(engine.createJob('u1', { request: { type: 'chat', messages }, idempotencyKey: 'turn-2', requestFingerprint: 'fp-2' }))
    .rejects.toBeInstanceOf(IdempotencyKeyReusedError)
  expect((await engine.getJobRecord('u1', job.id)).request).toEqual({ type: 'chat', messages, fingerprint: 'fp-1' })
})
