/**
 * Two apps on one Redis with the same key prefix in different databases (`/1`, `/2`: production
 * and staging, say) share pub/sub channels — Redis's channels are not per database — so each hears
 * the other's job ids on `user:<userId>` for a user id both have. Such an id has no record in the
 * listening app's database, which is also what a deleted job looks like: the user feed reported
 * every job the other app created or changed as deleted in this one (`onDeleted`), and the
 * engine sent the user's streams a `job-deleted` for it and put it in their short backlog, pushing
 * out the app's own notifications. A deletion is now reported only when this database recorded it
 * (`deleted:<userId>`, DELETE_JOB_SCRIPT).
 */
import { expect, it, onTestFinished } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { appendAccepted, createEndedJob, createJob, endEvent, START_MS, statusEvent } from './contract-fixtures'

const redis = useRedisServer()

it('a user feed does not report the jobs of an app in another database as deleted', async () => {
  const keyPrefix = `other-db-${process.pid}:`
  const otherApp = createRedisProvider({ url: `${redis.url}/1`, keyPrefix, onError: () => {} })
  const writer = createRedisProvider({ url: `${redis.url}/2`, keyPrefix, onError: () => {} })
  const follower = createRedisProvider({ url: `${redis.url}/2`, keyPrefix, onError: () => {} })
  await Promise.all([otherApp.ready(), writer.ready(), follower.ready()])
  onTestFinished(async () => {
    await Promise.all([otherApp.dispose(), writer.dispose(), follower.dispose()])
  })
  const deleted: string[] = []
  const handedOn: string[] = []
  const waiters = new Map<string, () => void>()
  const heard = (id: string) => new Promise<void>(resolve => waiters.set(id, resolve))
  const deletions = new Map<string, () => void>()
  const deletionHeard = (id: string) => new Promise<void>(resolve => deletions.set(id, resolve))
  const stop = follower.subscribeUserJobs('u1', (records) => {
    for (const record of records) {
      handedOn.push(record.id)
      waiters.get(record.id)?.()
    }
  }, { onDeleted: (id) => {
    deleted.push(id)
    deletions.get(id)?.()
  } })
  onTestFinished(stop)
  await follower.settled()

  // The other app's user u1 starts a job and it runs to its end: two messages on the shared channel.
  const theirs = await createJob(otherApp, { userId: 'u1' })
  await appendAccepted(otherApp, theirs.id, [statusEvent(1), endEvent(2, 'completed', START_MS + 10)])
  // Then a job of this app: the feed hands messages on in order, so by then it has read the others.
  const ours = await createJob(writer, { userId: 'u1' })
  const oursHeard = heard(ours.id)
  await appendAccepted(writer, ours.id, [statusEvent(1)])
  await oursHeard
  expect(deleted).toEqual([])
  expect(handedOn.filter(id => id !== ours.id)).toEqual([])

  // A job of this app deleted in this app is still reported.
  const ended = await createEndedJob(writer, START_MS + 20, 'completed', { userId: 'u1' })
  const endedGone = deletionHeard(ended.id)
  expect(await writer.deleteJob(ended.id)).toBe('deleted')
  await endedGone
  expect(deleted).toEqual([ended.id])
})
