/**
 * A running job whose owner died and whose event log an eviction took (the hash stays): the
 * recovery claim on another instance takes nothing over and drops what is left of it
 * (redis-lua-parts.ts, `dropIfLogLost`). No owner is left to tell the user (lost-job.ts), so the
 * claim does: the user's notification streams get a `job-lost`, as for a job an owner found lost,
 * and a viewer following the job is ended. Before, the drop told no stream: a tab kept showing the
 * job running in its thread list until a reload.
 */
import { createClient } from 'redis'
import { expect, it, onTestFinished, vi } from 'vitest'
import type { JobNotification } from '../../server/lib/notifications'
import { createRecordingSink } from '../support/engine-harness'
import { useRedisEngines } from '../support/redis-engines'
import { appendAccepted, createJob, statusEvent, textEvent } from './contract-fixtures'

const { redis, engines } = useRedisEngines()

it('a lapsed job whose log was evicted: the recovery claim tells the user\'s stream job-lost and ends its viewer', async () => {
  const keyPrefix = `lost-log-recovery-${process.pid}:`
  // The recovering instance's store clock moves on once the log is gone: the dead owner's lease lapses then.
  let storeAheadMs = 0
  const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b', config: { lease: { durationMs: 3_000, heartbeatMs: 100 } }, storeClock: () => Date.now() + storeAheadMs })
  const got: JobNotification[] = []
  b.engine.attachNotifications('u1', { send: note => void got.push(note), comment: () => {}, close: () => {} }, null)
  await b.provider.settled()
  // A job its owner ('gone', no engine) started and wrote to, its lease still held.
  const job = await createJob(b.provider, { userId: 'u1', threadId: 't1', title: 'Plan a trip', createdAt: Date.now(), lease: { instanceId: 'gone', epoch: 1, expiresAt: Date.now() + 60_000 } })
  await appendAccepted(b.provider, job.id, [statusEvent(1), textEvent(2, 0, 'Hello')])
  await vi.waitFor(() => expect(got.map(note => note.type)).toContain('job-created'), { timeout: 5_000 })
  const viewer = createRecordingSink()
  await b.engine.attachViewer('u1', job.id, viewer, null)

  const admin = createClient({ url: redis.url })
  onTestFinished(async () => {
    await admin.close().catch(() => {})
  })
  await admin.connect()
  expect(await admin.del(`${keyPrefix}log:${job.id}`)).toBe(1)
  storeAheadMs = 120_000

  // Before: no job-lost came (the claim dropped the job and told only its followers).
  await vi.waitFor(() => expect(got.filter(note => note.jobId === job.id).map(note => note.type)).toContain('job-lost'), { timeout: 5_000 })
  expect(got.find(note => note.type === 'job-lost')).toMatchObject({ jobId: job.id, threadId: 't1', title: 'Plan a trip' })
  await vi.waitFor(() => expect(viewer.closed).toBe(true), { timeout: 5_000 })
  expect(await b.provider.get(job.id)).toBeNull()
})
