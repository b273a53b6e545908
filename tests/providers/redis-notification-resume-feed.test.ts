/**
 * A notification stream that breaks and resumes (Last-Event-ID) on an instance where no other
 * stream of the user was open: that instance followed none of the user's jobs elsewhere during the
 * break (the user feed runs only while a stream is open), and its feed started "from now" again.
 * A job of another instance that asked a question (or ended) during the break was never told to
 * the tab, though docs/api.md promises a resumed stream hears of what happened meanwhile. The feed
 * now starts from the stream's position.
 */
import { expect, it, vi } from 'vitest'
import type { JobNotification, NotificationSink } from '../../server/lib/notifications'
import { useRedisEngines } from '../support/redis-engines'

const { redis, engines } = useRedisEngines()

function sink() {
  const got: JobNotification[] = []
  let position: number | undefined
  const value: NotificationSink = {
    send: notification => got.push(notification),
    position: (id) => {
      position = id
    },
    comment: () => {},
    close: () => {},
  }
  return { value, got, position: () => position }
}

it('a stream resumed after a break hears of a question a job on another instance asked during it', async () => {
  const keyPrefix = `resume-feed-${process.pid}:`
  const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a' })
  const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b' })

  const first = sink()
  const detach = b.engine.attachNotifications('u1', first.value, null)
  await b.provider.settled()
  const position = first.position()!
  expect(position).toBeTypeOf('number')
  // The tab's connection drops: B has no stream of u1 open, and follows nothing of theirs.
  detach()
  await b.provider.settled()

  // Meanwhile a job on A asks the user a question.
  const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
  await vi.waitFor(async () => expect((await a.provider.get(job.id))?.status).toBe('waiting'))

  // The tab reconnects to B from its position.
  const resumed = sink()
  const detachResumed = b.engine.attachNotifications('u1', resumed.value, position)
  await b.provider.settled()
  await vi.waitFor(() => expect(resumed.got.map(notification => `${notification.type}:${notification.jobId}`)).toContain(`input-request:${job.id}`))
  expect(resumed.got.map(notification => notification.type)).toEqual(['job-created', 'input-request'])
  detachResumed()
})

it('a stream resumed on an instance where another tab opened after its break hears of the question asked during it', async () => {
  const keyPrefix = `resume-running-feed-${process.pid}:`
  const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a' })
  const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b' })

  const tab2 = sink()
  const detach = b.engine.attachNotifications('u1', tab2.value, null)
  await b.provider.settled()
  const position = tab2.position()!
  // Tab 2's connection drops; a job on A asks the user a question meanwhile.
  detach()
  await b.provider.settled()
  const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
  await vi.waitFor(async () => expect((await a.provider.get(job.id))?.status).toBe('waiting'))

  // Tab 1 opens on B: B follows u1's jobs elsewhere again, from now.
  const tab1 = sink()
  const detachTab1 = b.engine.attachNotifications('u1', tab1.value, null)
  await b.provider.settled()
  expect(tab1.got).toEqual([])

  // Tab 2 reconnects to B from its position, before the question.
  const resumed = sink()
  const detachResumed = b.engine.attachNotifications('u1', resumed.value, position)
  await b.provider.settled()
  await vi.waitFor(() => expect(resumed.got.map(notification => `${notification.type}:${notification.jobId}`)).toContain(`input-request:${job.id}`))
  expect(resumed.got.map(notification => notification.type)).toEqual(['job-created', 'input-request'])
  detachResumed()
  detachTab1()
})
