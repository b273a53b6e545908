/**
 * The recovery scan's listing of lapsed jobs (`listExpiredLeases`, every lease heartbeat on every
 * instance) read each job whole on Redis (`HGETALL`, request included: up to 1 MB, a long chat's
 * history), though most of what an instance lists is claimed by another or left to the others. It
 * lists them as `list` does; the instance that claims one reads it whole. The bytes Redis sends
 * (its `total_net_output_bytes`) must not grow with the request.
 */
import { expect, it } from 'vitest'
import { useRedisEngines } from '../support/redis-engines'
import { redisSentBytes } from '../support/redis-sent-bytes'
import { appendAccepted, createJob, statusEvent } from './contract-fixtures'

const { redis, engines } = useRedisEngines()

it('lists a lapsed long chat without its whole history', async () => {
  const { provider } = await engines.start({ url: redis.url, keyPrefix: `expired-read-${process.pid}:`, instanceId: 'b' })
  const { sentBytes } = await redisSentBytes(redis.url)
  const history = 'h'.repeat(500_000)
  const messages = [{ role: 'user' as const, content: history }, { role: 'assistant' as const, content: 'Sure.' }, { role: 'user' as const, content: 'And now?' }]
  const job = await createJob(provider, { userId: 'u1', request: { type: 'chat', messages }, lease: { instanceId: 'a', epoch: 1, expiresAt: 1 } })
  await appendAccepted(provider, job.id, [statusEvent(1)])

  const before = await sentBytes()
  const listed = await provider.listExpiredLeases!()
  expect(await sentBytes() - before).toBeLessThan(history.length / 10)
  expect(listed.map(record => record.id)).toEqual([job.id])
  expect(listed[0]).toMatchObject({ userId: 'u1', status: 'running', lease: { instanceId: 'a', epoch: 1 }, request: { type: 'chat', messages: [{ role: 'user', content: 'And now?' }] } })
  // Read whole by whoever claims it.
  expect((await provider.get(job.id))!.request).toEqual({ type: 'chat', messages })
})
