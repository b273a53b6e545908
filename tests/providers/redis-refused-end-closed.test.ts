/**
 * A job whose end Redis refused for good too (its log key made a string, on a real redis-server)
 * is closed in the store without its log (redis-refused-end.ts): `failed` with `store-refused` in
 * its record and to another instance's reads, out of `active:<user>` and the lease index, so it
 * frees its user's slot and no recovery scan claims it. Before, the instance ended it locally only:
 * the store said `running`, the user's active count stayed taken.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { chatRequest } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'
import { useRedisEngines } from '../support/redis-engines'
import { within } from '../support/within'
import { appendAccepted, createJob, endEvent, statusEvent, textEvent } from './contract-fixtures'
import { redisAdminClient } from '../support/redis-provider-admin'

const { redis, engines } = useRedisEngines()
let prefixes = 0

/** A client for what an operator (or a bug) does to the job's keys. */
const adminClient = () => redisAdminClient(redis.url)

/** An owner whose job stores its first text, then meets its log key made a string (`spoil` more). */
async function refusedJob(spoil: (admin: Awaited<ReturnType<typeof adminClient>>, keyPrefix: string, jobId: string) => Promise<unknown> = async () => {}) {
  const keyPrefix = `refused-end-${++prefixes}:`
  const { logger, lines } = recordingLogger()
  let release!: () => void
  const released = new Promise<void>(resolve => release = resolve)
  let firstStored!: () => void
  const stored = new Promise<void>(resolve => firstStored = resolve)
  const owner = await engines.start({
    url: redis.url,
    keyPrefix,
    instanceId: 'owner',
    logger,
    chat: async (context) => {
      context.text('Hello ')
      context.afterStored!(firstStored)
      await released
      context.text('never stored')
    },
  })
  const other = await engines.start({ url: redis.url, keyPrefix, instanceId: 'other' })
  const { job } = await owner.engine.createJob('u1', { request: chatRequest })
  await within(stored, 10_000, () => 'the first text was not stored')
  const admin = await adminClient()
  await admin.del(`${keyPrefix}log:${job.id}`)
  await admin.set(`${keyPrefix}log:${job.id}`, 'not a stream')
  await spoil(admin, keyPrefix, job.id)
  release()
  await within(owner.engine.whenSettled(job.id), 10_000, () => 'the job did not end')
  return { keyPrefix, job, owner, other, admin, lines }
}

describe('redis: a job whose end the store refused for good too', () => {
  it('is closed in the store: failed store-refused to other instances, its slot and lease entry gone', async () => {
    const { keyPrefix, job, owner, other, admin, lines } = await refusedJob()
    const record = await other.provider.get(job.id)
    expect(record).toMatchObject({ status: 'failed', endedAt: expect.any(Number) })
    expect(await other.provider.countActive({ userId: 'u1' })).toBe(0)
    expect(await other.provider.countActive()).toBe(0)
    expect(await admin.zScore(`${keyPrefix}leases`, job.id)).toBeNull()
    expect(await admin.zScore(`${keyPrefix}ended`, job.id)).toBe(record!.endedAt)
    const seen = await other.engine.getJob('u1', job.id)
    expect(seen.state).toMatchObject({ status: 'failed', error: { code: 'store-refused' } })
    expect(seen.job.status).toBe('failed')
    const listed = await other.engine.listJobs('u1')
    expect(listed.map(listedJob => [listedJob.id, listedJob.status])).toEqual([[job.id, 'failed']])
    // The end is read after what the log holds; the log itself cannot be read, so not complete.
    expect(await other.provider.readEvents(job.id, 0)).toEqual({ events: [expect.objectContaining({ type: 'job-end', status: 'failed' })], complete: false })
    expect(await owner.provider.claimLease(job.id, 'owner', 15_000)).toBeNull()
    expect(lines.filter(line => line.message.startsWith('the job store refused the job\'s end too; the job was closed in the store'))).toEqual([
      expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ jobId: job.id }) }),
    ])
    expect(lines.some(line => line.message.includes('ended on this instance only'))).toBe(false)
  })

  it('names an index a key of another type kept it in, and still writes the others', async () => {
    const { job, other, lines } = await refusedJob(async (admin, prefix) => {
      await admin.del(`${prefix}leases`)
      await admin.set(`${prefix}leases`, 'not a sorted set')
    })
    expect(await other.provider.get(job.id)).toMatchObject({ status: 'failed' })
    expect(await other.provider.countActive({ userId: 'u1' })).toBe(0)
    expect(lines.find(line => line.message.includes('closed in the store'))?.fields).toMatchObject({ jobId: job.id, unindexed: ['leases'] })
  })

  it('keeps today\'s end on this instance only when the close is refused too (the job\'s record of another type)', async () => {
    const { job, lines } = await refusedJob(async (admin, prefix, jobId) => {
      await admin.del(`${prefix}job:${jobId}`)
      await admin.set(`${prefix}job:${jobId}`, 'not a hash')
    })
    expect(lines.filter(line => line.message.includes('ended on this instance only'))).toEqual([
      expect.objectContaining({ level: 'error', fields: expect.objectContaining({ jobId: job.id }) }),
    ])
    expect(lines.some(line => line.message.includes('closed in the store'))).toBe(false)
  })
})

describe('redis provider: closeRefusedEnd', () => {
  it('refuses as an append does: a stale epoch, a finished job, a job that is not there', async () => {
    const keyPrefix = `refused-end-${++prefixes}:`
    const provider = createRedisProvider({ url: redis.url, keyPrefix, onError: () => {} })
    onTestFinished(() => provider.dispose())
    await provider.ready()
    const job = await createJob(provider, { userId: 'u1', lease: { instanceId: 'owner', epoch: 2, expiresAt: Date.now() + 60_000 } })
    await appendAccepted(provider, job.id, [statusEvent(1), textEvent(2, 0, 'Hello')], 2)
    expect(await provider.closeRefusedEnd(job.id, endEvent(3, 'failed'), { epoch: 1 })).toEqual({ ok: false, reason: 'stale-epoch', lastSeq: 2 })
    expect(await provider.closeRefusedEnd('no-such-job', endEvent(3, 'failed'), { epoch: 2 })).toEqual({ ok: false, reason: 'not-found', lastSeq: 0 })
    expect(await provider.closeRefusedEnd(job.id, endEvent(3, 'failed'), { epoch: 2 })).toEqual({ ok: true, lastSeq: 3 })
    expect(await provider.closeRefusedEnd(job.id, endEvent(4, 'failed'), { epoch: 2 })).toEqual({ ok: false, reason: 'terminal', lastSeq: 3 })
    // A readable log: its events, then the end.
    expect((await provider.readEvents(job.id, 0))?.events.map(event => event.type)).toEqual(['job-status', 'text-delta', 'job-end'])
    expect(await provider.getState(job.id)).toMatchObject({ status: 'failed', content: 'Hello' })
    expect(await provider.appendEvents(job.id, [textEvent(4, 5, '!')], { epoch: 2 })).toMatchObject({ ok: false, reason: 'terminal' })
  })
})
