/**
 * An instance that forwarded a control (an input answer, an abort) waits for the owner's reply on
 * the job's reply channel. When its pub/sub connection drops just as the owner replies, the
 * published reply is lost on the way; the reply is stored too (`replies:<id>`), so the waiting
 * subscription reads it once its connection is back, as every other follower catches up after a
 * reconnect — instead of waiting out the forward's whole timeout and telling the caller that the
 * owner did not answer (a 503 for an answer that was taken).
 */
import { describe, expect, it } from 'vitest'
import type { ControlReply } from '../../server/lib/providers/types'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { startRedisPartitionProxy } from '../support/redis-partition-proxy'
import { appendAccepted, createJob, statusEvent } from './contract-fixtures'

const redis = useRedisServer()

describe('redis provider: a control reply published while the waiting instance\'s pub/sub connection was down', () => {
  it('is read from the store once the connection is back', async () => {
    const proxy = await startRedisPartitionProxy(redis.url)
    const prefix = 'reply-reconnect:'
    const owner = createRedisProvider({ url: redis.url, keyPrefix: prefix, onError: () => {} })
    const sender = createRedisProvider({ url: proxy.url, keyPrefix: prefix, onError: () => {} })
    try {
      await Promise.all([owner.ready(), sender.ready()])
      const job = await createJob(owner)
      await appendAccepted(owner, job.id, [statusEvent(1)])
      const controlId = await sender.sendControl(job.id, { type: 'abort', userId: job.userId })
      const replies: ControlReply[] = []
      const stop = sender.subscribeControlReply(job.id, controlId, reply => replies.push(reply))
      await sender.settled()
      // The sender is cut off; the owner replies; what Redis sent the sender meanwhile is lost with
      // its connection, which then comes back.
      proxy.partition()
      await owner.replyToControl(job.id, controlId, { ok: true })
      const before = proxy.accepted
      proxy.drop()
      proxy.heal()
      await expect.poll(() => proxy.accepted, { timeout: 10_000, interval: 10 }).toBeGreaterThanOrEqual(before + 2)
      await sender.settled()
      expect(replies).toEqual([{ ok: true }])
      stop()
    }
    finally {
      await Promise.all([owner.dispose(), sender.dispose()])
      await proxy.close()
    }
  })
})
