/**
 * A rename stored through one instance reaches the user's notification streams on another (the
 * Redis user channel the feed listens on): once each, also on the instance that stored it (told at
 * once, and again by the feed with the same rename id, dropped). The other instance's backlog keeps
 * the thread's last rename only, and none once the thread is deleted.
 */
import { expect, it } from 'vitest'
import { expectRenameAcrossInstances, renameSink } from '../support/rename-across-instances'
import { useRedisEngines } from '../support/redis-engines'

const { redis, engines } = useRedisEngines()

it('tells a rename stored through A to the user\'s stream on B once, keeping the last one until the thread is deleted', async () => {
  const keyPrefix = `renamed-feed-${process.pid}:`
  const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a' })
  const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b' })
  await expectRenameAcrossInstances(a.engine, b.engine, () => Promise.all([a.provider.settled(), b.provider.settled()]), jobId => a.engine.whenSettled(jobId))
})

it('a stream resuming on B after a break hears the thread\'s last rename made meanwhile on A, and none of a thread deleted meanwhile', async () => {
  const keyPrefix = `renamed-resume-${process.pid}:`
  const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a' })
  const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b' })
  for (const threadId of ['kept', 'gone']) {
    const { job } = await a.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] }, threadId })
    await a.engine.whenSettled(job.id)
  }
  let position = 0
  const first = renameSink()
  const detach = b.engine.attachNotifications('u1', { ...first.sink, position: (id) => {
    position = id
  } }, null)
  await b.provider.settled()
  detach()
  await b.provider.settled()
  // Nothing on B follows the user now: these are heard by nobody there.
  await a.engine.renameThread('u1', 'kept', 'Lisbon')
  await a.engine.renameThread('u1', 'kept', 'Porto')
  await a.engine.renameThread('u1', 'gone', 'Faro')
  await a.engine.deleteThread('u1', 'gone')

  const resumed = renameSink()
  b.engine.attachNotifications('u1', resumed.sink, position)
  await b.provider.settled()
  expect(resumed.titles()).toEqual(['Porto'])
})
