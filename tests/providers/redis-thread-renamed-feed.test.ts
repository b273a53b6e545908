/**
 * A rename stored through one instance reaches the user's notification streams on another (the
 * Redis user channel the feed listens on): once each, also on the instance that stored it (told at
 * once, and again by the feed with the same rename id, dropped). The other instance's backlog keeps
 * the thread's last rename only, and none once the thread is deleted.
 */
import { it } from 'vitest'
import { expectRenameAcrossInstances } from '../support/rename-across-instances'
import { useRedisEngines } from '../support/redis-engines'

const { redis, engines } = useRedisEngines()

it('tells a rename stored through A to the user\'s stream on B once, keeping the last one until the thread is deleted', async () => {
  const keyPrefix = `renamed-feed-${process.pid}:`
  const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a' })
  const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b' })
  await expectRenameAcrossInstances(a.engine, b.engine, () => Promise.all([a.provider.settled(), b.provider.settled()]), jobId => a.engine.whenSettled(jobId))
})
