/**
 * A stream that resumes from an id its instance gave, on an instance whose clock runs 4 s ahead of
 * the one that runs the job (within the 5 s docs/api.md allows): the user feed started again from
 * that id exactly, and Redis records the job's change at its owner's `updatedAt`, so a question
 * asked during a short break was recorded before the tab's position and never told. The feed now
 * starts the skew margin before the position (what is read is after the tab's real break either way).
 */
import { expect, it, vi } from 'vitest'
import type { JobNotification, NotificationSink } from '../../server/lib/notifications'
import { useRedisEngines } from '../support/redis-engines'

const { redis, engines } = useRedisEngines()

function sink() {
  const got: JobNotification[] = []
  const positions: number[] = []
  const value: NotificationSink = { send: notification => got.push(notification), position: id => positions.push(id), comment: () => {}, close: () => {} }
  return { value, got, positions }
}

it('a stream resumed from its own id on an instance whose clock runs ahead hears of the question asked during its break', async () => {
  const keyPrefix = `resume-own-id-skew-${process.pid}:`
  const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a' })
  const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b', offsetMs: 4_000 })

  const first = sink()
  const detach = b.engine.attachNotifications('u1', first.value, null)
  await b.provider.settled()
  expect(first.positions).toHaveLength(1)
  detach()
  await b.provider.settled()
  const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
  await vi.waitFor(async () => expect((await a.provider.get(job.id))?.status).toBe('waiting'))

  const resumed = sink()
  const detachResumed = b.engine.attachNotifications('u1', resumed.value, first.positions[0]!)
  await b.provider.settled()
  await vi.waitFor(() => expect(resumed.got.map(notification => notification.type)).toEqual(['job-created', 'input-request']))
  detachResumed()
})
