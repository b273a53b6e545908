/**
 * A notification stream that resumes from a position older than anything the stores keep: an id of
 * the version before notification ids followed the clock (a counter: 1, 2, 3 …), sent back by a tab
 * that was open across the deploy. It was resumed as a time near 1970: the feed read the user's
 * recorded changes (the newest 100 of the last hour), and the tab was told, as news, of a job
 * created and asking since long before it last heard anything. It now starts afresh, as a first
 * connect: a `stream-start`, no replay.
 */
import { expect, it, vi } from 'vitest'
import type { JobNotification, NotificationSink } from '../../server/lib/notifications'
import { useRedisEngines } from '../support/redis-engines'

const { redis, engines } = useRedisEngines()

it('a tab back with a counter id of the version before starts afresh, not with the changes of the last hour', async () => {
  const keyPrefix = `resume-old-id-${process.pid}:`
  const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a' })
  const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b' })
  const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
  await vi.waitFor(async () => expect((await a.provider.get(job.id))?.status).toBe('waiting'))

  const got: JobNotification[] = []
  const positions: number[] = []
  const sink: NotificationSink = { send: notification => got.push(notification), position: id => positions.push(id), comment: () => {}, close: () => {} }
  const detach = b.engine.attachNotifications('u1', sink, 7)
  await b.provider.settled()
  expect(got.map(notification => notification.type)).toEqual([])
  expect(positions).toHaveLength(1)
  detach()
})
