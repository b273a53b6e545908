/**
 * A control's reply reaches its sender on the pub/sub channel, or — when it was published while
 * nobody listened (before the subscription, or while the pub/sub connection was down) — by reading
 * the stored reply once the subscription is confirmed or the connection is back. That read was made
 * once: when it failed (a command timed out or was refused, as while Redis is slow or paused for a
 * failover), nothing read it again, and a reply already stored never arrived. The sender then waited
 * out its whole reply timeout, and a refusal (a 400 for an answer of the wrong shape) became a 503.
 * The Redis fault fuzz (redis-fault-fuzz.test.ts) found it: a sender that never heard a stored reply.
 */
import { createClient } from 'redis'
import { describe, expect, it } from 'vitest'
import type { ControlReply } from '../../server/lib/providers/types'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { onStandingClock } from '../support/standing-clock'
import { createJob } from './contract-fixtures'

const redis = useRedisServer()

describe('redis provider: the read of a stored control reply that fails', () => {
  it('is made again, so a reply stored before the subscription still reaches the sender', async () => {
    const prefix = 'reply-read-failed:'
    const owner = createRedisProvider({ url: redis.url, keyPrefix: prefix, onError: () => {} })
    const errors: string[] = []
    // Commands on one connection are answered in order: a read behind a paused write waits for it.
    const sender = createRedisProvider({ url: redis.url, keyPrefix: prefix, commandTimeoutMs: 300, healthCheckMs: 0, onError: error => errors.push(String((error as Error)?.message)) })
    const admin = createClient({ url: redis.url })
    try {
      await Promise.all([owner.ready(), admin.connect()])
      const job = await createJob(owner)
      const other = await createJob(owner)
      // The sender's checks at connect and its control go through its 300 ms timeout too: on a
      // clock that stands still, Redis kept off a loaded machine's cores cannot fail them. The
      // pause below runs on the real clock.
      const controlId = await onStandingClock(async () => {
        await sender.ready()
        return await sender.sendControl(job.id, { type: 'input', userId: 'user-a', requestId: 'r1', answer: { go: 'yes' } })
      })
      const reply: ControlReply = { ok: false, status: 400, error: 'ValidationError', message: 'go: expected a boolean' }
      // The owner replies before the sender listens: the published reply reaches nobody; it is stored.
      await owner.replyToControl(job.id, controlId, reply)

      await admin.sendCommand(['CLIENT', 'PAUSE', '30000', 'WRITE'])
      let unpaused = false
      try {
        // A write of the sender's waits behind the pause…
        const waiting = sender.sendControl(other.id, { type: 'abort', userId: 'user-a' }).catch(() => {})
        const heard: ControlReply[] = []
        const stop = sender.subscribeControlReply(job.id, controlId, answer => heard.push(answer))
        // …so the read of the stored reply, made once the subscription is confirmed, times out.
        await expect.poll(() => errors.filter(message => /did not answer HGET/.test(message)).length, { timeout: 10_000, interval: 10 }).toBeGreaterThan(0)
        await admin.sendCommand(['CLIENT', 'UNPAUSE'])
        unpaused = true
        await waiting
        // Redis answers again: the stored reply is read after all.
        await expect.poll(() => heard, { timeout: 5_000, interval: 20 }).toEqual([reply])
        stop()
      }
      finally {
        if (!unpaused) await admin.sendCommand(['CLIENT', 'UNPAUSE'])
      }
    }
    finally {
      await admin.close().catch(() => {})
      await Promise.all([owner.dispose(), sender.dispose()])
    }
  })
})
