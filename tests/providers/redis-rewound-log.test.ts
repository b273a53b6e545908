/**
 * Redis restarted from an older snapshot (its last RDB save, or a failover to a replica that had
 * not received the last writes): a job's log, or its control stream, ends before what a follower
 * on another instance already delivered, and the numbers after the snapshot are used again for
 * other items. A follower of the log cannot go on "from its cursor" (it would skip the new events
 * up to it and deliver the rest on top of a history the store no longer holds): it reports the
 * job as gone from under it, so its viewers reconnect and get a snapshot of what the store holds.
 * An owner's control follower goes on from the stream's new end, so a control sent after the
 * restart (numbered again from the snapshot) is not skipped.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from 'redis'
import { describe, expect, it } from 'vitest'
import type { StoredJobControl } from '../../server/lib/providers/types'
import type { RedisJobProvider } from '../../server/lib/providers/redis'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useTestRedisServer } from '../support/redis-server'
import { appendAccepted, createJob, statusEvent, textEvent } from './contract-fixtures'

/** Two instances on a Redis that can be saved and restarted from that save. */
async function withSnapshotRedis(test: (world: { writer: RedisJobProvider, follower: RedisJobProvider, save: () => Promise<void>, restartFromSave: () => Promise<void> }) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'bgjobs-rewound-'))
  const redis = await useTestRedisServer(['--dir', dir])
  const prefix = 'rewound:'
  const writer = createRedisProvider({ url: redis.url, keyPrefix: prefix, onError: () => {} })
  const follower = createRedisProvider({ url: redis.url, keyPrefix: prefix, onError: () => {} })
  const back = (provider: RedisJobProvider) => provider.settled().then(() => true, () => false)
  try {
    await Promise.all([writer.ready(), follower.ready()])
    await test({
      writer,
      follower,
      async save() {
        const admin = createClient({ url: redis.url })
        try {
          await admin.connect()
          await admin.sendCommand(['SAVE'])
        }
        finally {
          await admin.close().catch(() => {})
        }
      },
      async restartFromSave() {
        // Stopped without saving (no save points): it comes back with the last SAVE.
        await redis.stop()
        await redis.start()
        // Both instances reconnect by themselves (until then their commands fail at once).
        await expect.poll(() => back(writer), { timeout: 10_000, interval: 50 }).toBe(true)
        await expect.poll(() => back(follower), { timeout: 10_000, interval: 50 }).toBe(true)
      },
    })
  }
  finally {
    await Promise.all([writer.dispose(), follower.dispose()])
    await redis.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('redis provider: a restart from an older snapshot rewinds what instances follow', () => {
  it('a follower of the job\'s log on another instance is told, instead of skipping the new events up to its cursor', async () => {
    await withSnapshotRedis(async ({ writer, follower, save, restartFromSave }) => {
      const job = await createJob(writer)
      const received: number[] = []
      let gone = 0
      const stop = follower.subscribe(job.id, events => received.push(...events.map(event => event.seq)), { afterSeq: 0, onGone: () => gone++ })
      await follower.settled()
      await appendAccepted(writer, job.id, [statusEvent(1), textEvent(2, 0, 'Hello')])
      await save()
      await appendAccepted(writer, job.id, [textEvent(3, 5, ', world'), textEvent(4, 12, '!')])
      await follower.settled()
      expect(received).toEqual([1, 2, 3, 4])

      await restartFromSave()
      expect((await writer.get(job.id))?.lastSeq).toBe(2)
      // Written again from what the store holds (a new owner after the lease lapsed).
      await appendAccepted(writer, job.id, [textEvent(3, 5, ' again'), textEvent(4, 11, '?'), textEvent(5, 12, '!')])
      await follower.settled()
      expect({ received, gone }).toEqual({ received: [1, 2, 3, 4], gone: 1 })
      stop()
    })
  })

  it('the owner\'s control follower gets a control sent after the restart, numbered again from the snapshot', async () => {
    await withSnapshotRedis(async ({ writer: owner, follower: sender, save, restartFromSave }) => {
      const job = await createJob(owner)
      await appendAccepted(owner, job.id, [statusEvent(1)])
      const controls: StoredJobControl[] = []
      const stop = owner.subscribeControls!(job.id, control => controls.push(control))
      await owner.settled()
      const answer = (requestId: string) => ({ type: 'input' as const, userId: job.userId, requestId, answer: { go: true } })
      await sender.sendControl(job.id, answer('before-save'))
      await save()
      await sender.sendControl(job.id, answer('lost-with-the-restart'))
      await owner.settled()
      expect(controls.map(control => control.id)).toEqual(['1', '2'])

      await restartFromSave()
      expect(await sender.sendControl(job.id, answer('after-restart'))).toBe('2')
      await owner.settled()
      expect(controls.map(control => control.type === 'input' ? control.requestId : control.type)).toEqual(['before-save', 'lost-with-the-restart', 'after-restart'])
      stop()
    })
  })
})
