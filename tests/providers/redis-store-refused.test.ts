/**
 * The `redis` provider's appends that Redis refuses for good — a key of the job's of another type
 * (`WRONGTYPE`), made for real on a real redis-server — throw a `StoreRefusedError`, so the
 * engine does not retry them: the job ends `failed` with `store-refused` on the instance running it
 * (the end alone is refused too: the log key is still a string; the job is then closed in the store
 * without it, redis-refused-end-closed.test.ts), logged once, with no retry loop.
 * Before, the provider threw a plain Error, retried every 5 s for ever: the job never ended.
 * Redis's state replies (LOADING, BUSY …) stay retried.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import { RedisUnavailableError } from '../../server/lib/providers/redis-errors'
import { appendErrorOf, appendFailureOf } from '../../server/lib/providers/redis-refusal'
import { createRedisProvider } from '../../server/lib/providers/redis'
import type { RedisJobProvider } from '../../server/lib/providers/redis'
import { isStoreRefusal } from '../../server/lib/providers/store-refused'
import { chatRequest, createRecordingSink } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'
import { useRedisEngines } from '../support/redis-engines'
import { within } from '../support/within'
import { appendAccepted, createJob, statusEvent, textEvent } from './contract-fixtures'
import { redisAdminClient } from '../support/redis-provider-admin'

const { redis, engines } = useRedisEngines()
let prefixes = 0

/** A client for what an operator (or a bug) does to the job's keys. */
const adminClient = () => redisAdminClient(redis.url)

describe('redis provider: an append Redis refuses for good', () => {
  it('throws a StoreRefusedError naming the reply when the job\'s log key holds another type', async () => {
    const keyPrefix = `store-refused-${++prefixes}:`
    const provider = createRedisProvider({ url: redis.url, keyPrefix, onError: () => {} })
    onTestFinished(() => provider.dispose())
    await provider.ready()
    const job = await createJob(provider, { userId: 'u1', lease: { instanceId: 'owner', epoch: 1, expiresAt: Date.now() + 60_000 } })
    await appendAccepted(provider, job.id, [statusEvent(1), textEvent(2, 0, 'Hello')])
    const admin = await adminClient()
    await admin.del(`${keyPrefix}log:${job.id}`)
    await admin.set(`${keyPrefix}log:${job.id}`, 'not a stream')
    const error = await provider.appendEvents(job.id, [textEvent(3, 5, ' world')], { epoch: 1 }).then(() => null, (thrown: unknown) => thrown)
    expect(isStoreRefusal(error)).toBe(true)
    expect((error as Error).message).toContain('WRONGTYPE')
    expect((error as Error).message).toContain(job.id)
  })

  it('keeps Redis\'s state replies and a lost connection retried, and gives up other replies', () => {
    expect(isStoreRefusal(appendErrorOf('j1', 'LOADING Redis is loading the dataset in memory'))).toBe(false)
    expect(isStoreRefusal(appendErrorOf('j1', 'BUSY Redis is busy running a script'))).toBe(false)
    expect(isStoreRefusal(appendErrorOf('j1', 'WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(true)
    expect(isStoreRefusal(appendErrorOf('j1', 'user_script:30: Expected value but found invalid token'))).toBe(true)
    const down = new RedisUnavailableError(new Error('connect ECONNREFUSED'))
    expect(appendFailureOf('j1', down)).toBe(down)
    expect(isStoreRefusal(appendFailureOf('j1', new Error('NOPERM User has no permissions to run the \'evalsha\' command')))).toBe(true)
    expect(isStoreRefusal(appendFailureOf('j1', new Error('TRYAGAIN Multiple keys request during rehashing of slot')))).toBe(false)
    // Not a reply of Redis's (a bug of ours): passed on as it is.
    const bug = new Error('The append script answered 1 of 2 appends')
    expect(appendFailureOf('j1', bug)).toBe(bug)
  })

  it('ends a running job failed on its instance: store-refused, logged once, no retry loop', async () => {
    const keyPrefix = `store-refused-${++prefixes}:`
    const { logger, lines } = recordingLogger()
    const appends = new Map<string, number>()
    let release!: () => void
    const released = new Promise<void>(resolve => release = resolve)
    let firstStored!: () => void
    const stored = new Promise<void>(resolve => firstStored = resolve)
    const { engine } = await engines.start({
      url: redis.url,
      keyPrefix,
      instanceId: 'owner',
      logger,
      wrapProvider: provider => new Proxy(provider, {
        get(target, key, receiver) {
          if (key !== 'appendEvents') return Reflect.get(target, key, receiver)
          return (...args: Parameters<RedisJobProvider['appendEvents']>) => {
            appends.set(args[0], (appends.get(args[0]) ?? 0) + 1)
            return target.appendEvents(...args)
          }
        },
      }),
      chat: async (context) => {
        context.text('Hello ')
        context.afterStored!(firstStored)
        await released
        context.text('never stored')
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    const sink = createRecordingSink()
    await engine.attachViewer('u1', job.id, sink, null)
    await within(stored, 10_000, () => 'the first text was not stored')
    const admin = await adminClient()
    await admin.del(`${keyPrefix}log:${job.id}`)
    await admin.set(`${keyPrefix}log:${job.id}`, 'not a stream')
    release()
    await within(engine.whenSettled(job.id), 10_000, () => `the job did not end; ${appends.get(job.id)} appends so far`)
    const end = sink.frames.find(frame => frame.event === 'job-end')
    expect(end?.data).toMatchObject({ status: 'failed', error: { code: 'store-refused' } })
    expect(sink.closed).toBe(true)
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
    // The text, the refused write, the end alone: each sent once.
    expect(lines.filter(line => line.message.startsWith('the job store refused a write of the job for good'))).toHaveLength(1)
    expect(lines.filter(line => line.message.startsWith('the job store refused the job\'s end too'))).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ jobId: job.id }) }),
    ])
    expect(lines.some(line => line.message.startsWith('provider write failed; will retry'))).toBe(false)
    expect(appends.get(job.id)).toBeLessThanOrEqual(4)
  })
})
