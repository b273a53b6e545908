/**
 * A job its store lost while it ran (`FLUSHALL` on the Redis two instances share): the owner's
 * next write or lease heartbeat finds it gone and stops its run without an end. The user's
 * notification streams — on the owner and on the other instance, which can find no user behind
 * the job id any more — get a `job-lost`, so a tab showing the job running, or asking for an
 * answer, stops; a stream that resumes after a break learns it too.
 */
import { createClient } from 'redis'
import { afterAll, expect, it, vi } from 'vitest'
import type { JobNotification, NotificationSink } from '../../server/lib/notifications'
import { createRecordingSink } from '../support/engine-harness'
import { useRedisEngines } from '../support/redis-engines'

const { redis, engines } = useRedisEngines()

/** Heartbeats often enough that a waiting job's loss is found within a test's wait. */
const config = { lease: { durationMs: 3_000, heartbeatMs: 100 } }

function sink() {
  const got: JobNotification[] = []
  let position: number | undefined
  const value: NotificationSink = {
    send: notification => void got.push(notification),
    position: (id) => {
      position = id
    },
    comment: () => {},
    close: () => {},
  }
  return { value, got, position: () => position, of: (jobId: string) => got.filter(note => note.jobId === jobId).map(note => note.type) }
}

/** One admin connection for the file's FLUSHALLs (closed after them). */
let admin: ReturnType<typeof createClient> | undefined
afterAll(async () => {
  await admin?.close().catch(() => {})
})

async function flushAll() {
  if (!admin) {
    admin = createClient({ url: redis.url })
    await admin.connect()
  }
  await admin.flushAll()
}

/** A chat that writes a little text every 20 ms until stopped. */
async function chattering(context: { text: (text: string) => void, signal: AbortSignal }) {
  while (!context.signal.aborted) {
    context.text('.')
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

it('a waiting job flushed away: the owner\'s heartbeat finds it, and the stream on the other instance stops asking', async () => {
  const keyPrefix = `lost-waiting-${process.pid}:`
  const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a', config })
  const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b', config })
  const onA = sink()
  const onB = sink()
  a.engine.attachNotifications('u1', onA.value, null)
  b.engine.attachNotifications('u1', onB.value, null)
  await b.provider.settled()
  const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} }, threadId: 't1' })
  await vi.waitFor(() => expect(onB.of(job.id)).toContain('input-request'), { timeout: 5_000 })

  await flushAll()
  await vi.waitFor(() => expect(onB.of(job.id)).toContain('job-lost'), { timeout: 5_000 })
  expect(onB.got.find(note => note.type === 'job-lost')).toMatchObject({ jobId: job.id, threadId: 't1' })
  expect(onA.of(job.id).at(-1)).toBe('job-lost')
  // A stream that reconnects to B is not asked again: the backlog keeps the loss only.
  const again = sink()
  b.engine.attachNotifications('u1', again.value, 0)
  expect(again.of(job.id)).toEqual(['job-lost'])
})

it('a running chat flushed away: its next write finds it, and the other instance\'s stream is told with the job\'s thread and title', async () => {
  const keyPrefix = `lost-running-${process.pid}:`
  const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a', config, chat: chattering })
  const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b', config })
  const onB = sink()
  b.engine.attachNotifications('u1', onB.value, null)
  await b.provider.settled()
  const { job } = await a.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'Plan a trip' }] }, threadId: 't2' })
  await vi.waitFor(() => expect(onB.of(job.id)).toContain('job-created'), { timeout: 5_000 })
  // A tab following the job on B (its events come through Redis), and one on the owner.
  const viewerOnB = createRecordingSink()
  const viewerOnA = createRecordingSink()
  await b.engine.attachViewer('u1', job.id, viewerOnB, null)
  await a.engine.attachViewer('u1', job.id, viewerOnA, null)

  await flushAll()
  await vi.waitFor(() => expect(onB.of(job.id)).toContain('job-lost'), { timeout: 5_000 })
  expect(onB.got.find(note => note.type === 'job-lost')).toMatchObject({ jobId: job.id, threadId: 't2', title: 'Plan a trip' })
  await a.engine.whenSettled(job.id)
  // Both viewers' streams end (their reconnect gets the 404), not left open until a stall timer.
  await vi.waitFor(() => expect([viewerOnA.closed, viewerOnB.closed]).toEqual([true, true]), { timeout: 5_000 })
  expect(await b.engine.getJob('u1', job.id).catch((error: { statusCode?: number }) => error.statusCode)).toBe(404)
})

it('a stream that was away when the job was lost learns it when it resumes on the other instance', async () => {
  const keyPrefix = `lost-resume-${process.pid}:`
  const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a', config })
  const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b', config })
  const first = sink()
  const detach = b.engine.attachNotifications('u1', first.value, null)
  await b.provider.settled()
  const position = first.position()!
  detach()
  await b.provider.settled()
  const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
  await vi.waitFor(async () => expect((await a.provider.get(job.id))?.status).toBe('waiting'))
  await flushAll()
  // The owner found it gone and told the store's instances (nobody on B listened then).
  await a.engine.whenSettled(job.id)

  const resumed = sink()
  b.engine.attachNotifications('u1', resumed.value, position)
  await b.provider.settled()
  await vi.waitFor(() => expect(resumed.of(job.id)).toContain('job-lost'), { timeout: 5_000 })
})

it('a job deleted on purpose is not a loss: an owner that was cut off while it ended and was deleted tells nobody it was lost', async () => {
  const keyPrefix = `lost-deleted-${process.pid}:`
  const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a', config })
  const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b', config })
  const onB = sink()
  b.engine.attachNotifications('u1', onB.value, null)
  await b.provider.settled()
  const { job } = await a.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'Hi' }] }, threadId: 't3' })
  await a.engine.whenSettled(job.id)
  expect(await a.provider.deleteJob(job.id)).toBe('deleted')
  await vi.waitFor(() => expect(onB.of(job.id)).toContain('job-deleted'), { timeout: 5_000 })
  // What the cut-off owner asks when it finds the record gone: the store recorded a delete, not a loss.
  expect(await a.provider.publishJobLost!({ id: job.id, userId: 'u1', threadId: 't3' })).toBe(false)
  // A job id the store has no record of at all is a loss (the store was flushed).
  expect(await a.provider.publishJobLost!({ id: 'job-flushed', userId: 'u1', threadId: null })).toBe(true)
  await vi.waitFor(() => expect(onB.of('job-flushed')).toEqual(['job-lost']), { timeout: 5_000 })
  expect(onB.of(job.id)).not.toContain('job-lost')
})
