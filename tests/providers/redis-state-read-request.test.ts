/**
 * `getState` reads a job's head (type, creation time, last seq), not its request: on Redis it read
 * the whole record (`HGETALL`, request included: up to 1 MB, a long chat's history) only for those
 * fields — on every snapshot of a job this instance does not run (`GET /api/jobs/:id`, a stream's
 * connect without a resume position), for an answer's check of the log, and for each `waiting`
 * change a user feed hands on. The bytes Redis sends (its `total_net_output_bytes`) must not grow
 * with the request.
 */
import { expect, it } from 'vitest'
import { useRedisEngines } from '../support/redis-engines'
import { redisSentBytes } from '../support/redis-sent-bytes'
import { appendAccepted, createJob, statusEvent, textEvent } from './contract-fixtures'

const { redis, engines } = useRedisEngines()

it('reduces a long chat\'s events without reading its request, for getState and a snapshot', async () => {
  const { engine, provider } = await engines.start({ url: redis.url, keyPrefix: `state-read-${process.pid}:`, instanceId: 'b' })
  const { sentBytes } = await redisSentBytes(redis.url)
  const history = 'h'.repeat(500_000)
  const job = await createJob(provider, { userId: 'u1', request: { type: 'chat', messages: [{ role: 'user', content: history }, { role: 'assistant', content: 'Sure.' }, { role: 'user', content: 'And now?' }] } })
  await appendAccepted(provider, job.id, [statusEvent(1), textEvent(2, 0, 'Hello')])

  const before = await sentBytes()
  expect(await provider.getState(job.id)).toMatchObject({ id: job.id, type: 'chat', createdAt: job.createdAt, status: 'running', content: 'Hello' })
  expect(await sentBytes() - before).toBeLessThan(history.length / 10)
  expect(await provider.getState('no-such-job')).toBeNull()

  // A snapshot of the job (run by another instance: its lease is the writer's).
  const snapshotBefore = await sentBytes()
  const { job: summary, state } = await engine.getJob('u1', job.id)
  expect(summary).toMatchObject({ id: job.id, status: 'running', prompt: 'And now?' })
  expect(state).toMatchObject({ status: 'running', content: 'Hello' })
  expect(await sentBytes() - snapshotBefore).toBeLessThan(history.length / 10)
})
