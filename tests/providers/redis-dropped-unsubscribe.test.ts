/**
 * The pub/sub connection drops while an UNSUBSCRIBE is on its way (the last viewer of a job on
 * this instance left; a drop, or the half-open check replacing a silent connection). node-redis
 * rejects that UNSUBSCRIBE but keeps the channel's listener, and subscribes it again when it
 * reconnects: the channel hub unsubscribes it again then, so this instance does not receive that
 * job's every event for nobody (and restore the channel at every later reconnect) for good.
 */
import { createClient } from 'redis'
import { describe, expect, it } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { createJob } from './contract-fixtures'
import { startReplyDroppingProxy } from '../support/redis-reply-dropping-proxy'

const redis = useRedisServer()

describe('redis provider: the pub/sub connection drops while an UNSUBSCRIBE is unconfirmed', () => {
  it('the channel is not subscribed again for nobody after the reconnect', async () => {
    const proxy = await startReplyDroppingProxy(redis.url)
    const prefix = 'drop-unsub:'
    const follower = createRedisProvider({ url: proxy.url, keyPrefix: prefix, onError: () => {} })
    const admin = createClient({ url: redis.url })
    const subscribed = async () => (await admin.sendCommand(['PUBSUB', 'CHANNELS', `${prefix}log:*`]) as string[]).length
    try {
      await Promise.all([follower.ready(), admin.connect()])
      const job = await createJob(follower)
      const stop = follower.subscribe(job.id, () => {}, { afterSeq: 0 })
      await follower.settled()
      expect(await subscribed()).toBe(1)
      // The last viewer leaves; the connection drops before Redis's confirmation arrives.
      proxy.arm('unsubscribe')
      stop()
      await expect.poll(() => proxy.cuts).toBe(1)
      // The pub/sub connection is back (its own settle marker went round).
      await follower.settled()
      await expect.poll(subscribed, { interval: 20 }).toBe(0)
    }
    finally {
      await admin.close().catch(() => {})
      await follower.dispose()
      await proxy.close()
    }
  })
})
