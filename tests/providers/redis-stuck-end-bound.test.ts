/**
 * Decision 45's bound with Redis as the app builds it (create-provider.ts: the provider inside
 * instrument-provider.ts): a job whose end is decided while a write of it keeps failing with an
 * error that looks passing (a deadline) ends `failed` with `store-refused` after 3 lease periods in
 * which Redis answered the instance's other calls (its lease heartbeats), its end stored alone —
 * as it does on memory (tests/unit/stuck-end-job.test.ts). The Redis engine tests built their
 * providers without the counting of answered calls, so there the bound never fired and such a job
 * stayed `running` (tests/support/redis-engines.ts builds them as the app does now).
 */
import { expect, it } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { STUCK_END_LEASE_PERIODS } from '../../server/lib/stuck-end-write'
import type { RedisJobProvider } from '../../server/lib/providers/redis'
import { chatRequest, createRecordingSink } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'
import { useRedisEngines } from '../support/redis-engines'
import { within } from '../support/within'

const { redis, engines } = useRedisEngines()

/** A short lease, five heartbeats long: the bound (3 of them) passes at the retry 1.75 s after the first failure. */
const LEASE = { durationMs: 500, heartbeatMs: 100 }

/** `provider` whose appends holding `bad` text throw as a deadline does, every time. */
function failingBadText(provider: RedisJobProvider): RedisJobProvider {
  const poisoned = (events: JobEvent[]) => events.some(event => event.type === 'text-delta' && event.text.includes('bad'))
  return new Proxy(provider, {
    get(target, key, receiver) {
      if (key !== 'appendEvents') return Reflect.get(target, key, receiver)
      return async (...args: Parameters<RedisJobProvider['appendEvents']>) => {
        if (poisoned(args[1])) throw new Error('Redis did not answer the append script within 5000 ms')
        return await target.appendEvents(...args)
      }
    },
  })
}

it('ends a job whose decided end a failing write holds failed store-refused, its end stored alone, while Redis answers', async () => {
  const { logger, lines } = recordingLogger()
  const { engine } = await engines.start({
    url: redis.url,
    keyPrefix: `stuck-end-bound-${process.pid}:`,
    instanceId: 'owner',
    logger,
    config: { lease: LEASE },
    wrapProvider: failingBadText,
    chat: async (context) => {
      context.text('Hello ')
      await new Promise<void>(resolve => context.afterStored!(resolve))
      context.text('bad')
    },
  })
  const { job } = await engine.createJob('u1', { request: chatRequest })
  const sink = createRecordingSink()
  await engine.attachViewer('u1', job.id, sink, null)
  await within(engine.whenSettled(job.id), 10_000, () => `the job did not end (bound: ${STUCK_END_LEASE_PERIODS * LEASE.durationMs} ms); logged: ${lines.map(line => line.message).join(' | ')}`)

  expect(sink.frames.filter(frame => frame.event === 'job-end')).toEqual([expect.objectContaining({ data: expect.objectContaining({ status: 'failed', error: expect.objectContaining({ code: 'store-refused' }) }) })])
  expect(sink.closed).toBe(true)
  // Stored: another instance (started only now: the count of answered calls is the process's) reads
  // the job ended, what Redis took kept, the user's slot free.
  const other = await engines.start({ url: redis.url, keyPrefix: `stuck-end-bound-${process.pid}:`, instanceId: 'other', config: { lease: LEASE } })
  expect((await other.engine.getJob('u1', job.id)).state).toMatchObject({ status: 'failed', content: 'Hello ', error: { code: 'store-refused' } })
  expect(await other.provider.countActive({ userId: 'u1' })).toBe(0)
  expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
  expect(lines.filter(line => line.message.includes('refused a write of the job for good'))).toEqual([
    expect.objectContaining({ fields: expect.objectContaining({ jobId: job.id, error: expect.objectContaining({ name: 'StuckWriteError' }) }) }),
  ])
})
