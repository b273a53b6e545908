/**
 * The ownership check of a route (a stream's connect and HEAD, a snapshot, an abort, an answer, a
 * deletion) of a job this instance does not run reads the job as a listing gives it (`getListed`):
 * on Redis it read the whole record with `get`, request included (up to 1 MB: an AI SDK chat sends
 * its whole history with every turn), on every such request — every reconnect of every viewer.
 * The bytes Redis sends (its `total_net_output_bytes`) must not grow with the history; the app's
 * hooks still get the whole record (`getJobRecord`), and another user's job is still a 404.
 */
import { expect, it } from 'vitest'
import { JobNotFoundError } from '../../server/lib/errors'
import type { ViewerSink } from '../../server/lib/viewer'
import { useRedisEngines } from '../support/redis-engines'
import { redisSentBytes } from '../support/redis-sent-bytes'
import { appendAccepted, createJob, endEvent, statusEvent, textEvent } from './contract-fixtures'
import { longHistoryChat } from '../support/long-history'

const { redis, engines } = useRedisEngines()

/** A sink that keeps nothing (the stream's frames are not what is measured). */
function quietSink(): ViewerSink {
  return { send: () => {}, comment: () => {}, close: () => {} }
}

it('reads a long chat\'s job without its whole history for streams, aborts and deletions', async () => {
  const { engine, provider } = await engines.start({ url: redis.url, keyPrefix: `access-read-${process.pid}:`, instanceId: 'b' })
  const { sentBytes } = await redisSentBytes(redis.url)
  const { history, messages } = longHistoryChat()
  const job = await createJob(provider, { userId: 'u1', request: { type: 'chat', messages } })
  await appendAccepted(provider, job.id, [statusEvent(1), textEvent(2, 0, 'Hello'), endEvent(3)])

  const before = await sentBytes()
  await engine.probeStream('u1', job.id, null)
  const attachment = await engine.attachViewer('u1', job.id, quietSink(), null)
  attachment.detach()
  expect(await engine.abortJob('u1', job.id)).toMatchObject({ id: job.id, status: 'completed', prompt: 'And now?' })
  expect(await sentBytes() - before).toBeLessThan(history.length / 10)

  // Another user's job is still not theirs; the app's hooks still see the whole request.
  await expect(engine.probeStream('u2', job.id, null)).rejects.toBeInstanceOf(JobNotFoundError)
  expect((await engine.getJobRecord('u1', job.id)).request).toEqual({ type: 'chat', messages })

  // A deletion checks the owner the same way.
  const deleteBefore = await sentBytes()
  await engine.deleteJob('u1', job.id)
  expect(await sentBytes() - deleteBefore).toBeLessThan(history.length / 10)
  expect(await provider.get(job.id)).toBeNull()
})
