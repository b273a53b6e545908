/**
 * The pub/sub connection drops while a SUBSCRIBE is on its way (sent, not yet confirmed).
 * node-redis rejects that SUBSCRIBE and restores only confirmed subscriptions when it reconnects:
 * the channel hub subscribes again at the reconnect, so the follower (and every later one of the
 * same job on this instance) still gets the live tail, and an owner still gets its controls.
 */
import { describe, expect, it } from 'vitest'
import type { JobEvent } from '../../shared/events'
import type { StoredJobControl } from '../../server/lib/providers/types'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { appendAccepted, createJob, endEvent, statusEvent, textEvent } from './contract-fixtures'
import { startReplyDroppingProxy } from '../support/redis-reply-dropping-proxy'

const redis = useRedisServer()

describe('redis provider: the pub/sub connection drops while a SUBSCRIBE is unconfirmed', () => {
  it('a remote follower still gets the job\'s events (and a later follower of the same job too)', async () => {
    const proxy = await startReplyDroppingProxy(redis.url)
    const prefix = 'drop-sub-1:'
    const writer = createRedisProvider({ url: redis.url, keyPrefix: prefix, onError: () => {} })
    const follower = createRedisProvider({ url: proxy.url, keyPrefix: prefix, onError: () => {} })
    try {
      await Promise.all([writer.ready(), follower.ready()])
      const job = await createJob(writer)
      proxy.arm()
      const got: JobEvent[] = []
      const stop = follower.subscribe(job.id, events => got.push(...events), { afterSeq: 0 })
      await expect.poll(() => proxy.cuts).toBe(1)
      await follower.settled()
      await appendAccepted(writer, job.id, [statusEvent(1), textEvent(2, 0, 'Hello')])
      await follower.settled()
      // A second viewer of the same job on this instance, after the reconnect.
      const later: JobEvent[] = []
      const stopLater = follower.subscribe(job.id, events => later.push(...events), { afterSeq: 0 })
      await follower.settled()
      await appendAccepted(writer, job.id, [endEvent(3)])
      await follower.settled()
      expect({ first: got.map(event => event.seq), later: later.map(event => event.seq) }).toEqual({ first: [1, 2, 3], later: [1, 2, 3] })
      stop()
      stopLater()
    }
    finally {
      await Promise.all([writer.dispose(), follower.dispose()])
      await proxy.close()
    }
  })

  it('an owner\'s control subscription still gets the controls sent to it', async () => {
    const proxy = await startReplyDroppingProxy(redis.url)
    const prefix = 'drop-sub-2:'
    const sender = createRedisProvider({ url: redis.url, keyPrefix: prefix, onError: () => {} })
    const owner = createRedisProvider({ url: proxy.url, keyPrefix: prefix, onError: () => {} })
    try {
      await Promise.all([sender.ready(), owner.ready()])
      const job = await createJob(sender)
      proxy.arm()
      const controls: StoredJobControl[] = []
      const stop = owner.subscribeControls(job.id, control => controls.push(control), { fromStart: true })
      await expect.poll(() => proxy.cuts).toBe(1)
      await owner.settled()
      await sender.sendControl(job.id, { type: 'abort', userId: job.userId })
      await owner.settled()
      expect(controls.map(control => control.type)).toEqual(['abort'])
      stop()
    }
    finally {
      await Promise.all([sender.dispose(), owner.dispose()])
      await proxy.close()
    }
  })
})
