/**
 * Another user's job must cost what a missing one costs, so that neither the answer nor its time
 * tells that the id names a job. The engine's ownership check (`authorize`, job-access.ts) read
 * the whole record first and compared its owner after: for a long chat that is megabytes Redis
 * sends back (a 3 MB request took ~12 ms against ~0.3 ms for a missing id, measured locally),
 * against nothing for a missing id. The bytes Redis sends (`total_net_output_bytes`) for another
 * user's job must be those of a missing one; the owner still gets the whole record.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import { JobNotFoundError } from '../../server/lib/errors'
import { createJobAccess } from '../../server/lib/job-access'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { redisSentBytes } from '../support/redis-sent-bytes'
import { newJob } from './contract-fixtures'

const redis = useRedisServer()

describe('redis provider: another user\'s job is not read for them', () => {
  it('sends no more bytes for another user\'s long chat than for a missing job; its owner gets it whole', async () => {
    const provider = createRedisProvider({ url: redis.url, keyPrefix: 'other-user-get:', onError: () => {} })
    await provider.ready()
    const { sentBytes } = await redisSentBytes(redis.url)
    onTestFinished(async () => {
      await provider.dispose()
    })
    const request = { type: 'chat' as const, messages: Array.from({ length: 30 }, (_, index) => ({ role: 'user' as const, content: `${index} ${'x'.repeat(100_000)}` })) }
    const { record } = await provider.create(newJob({ id: 'long-chat', userId: 'owner', request }))
    const access = createJobAccess(provider, new Map())

    /** The bytes Redis sent while `userId` asked for `jobId`, and what the ask threw. */
    async function ask(userId: string, jobId: string) {
      const before = await sentBytes()
      const error = await access.authorize(userId, jobId).then(() => null, (thrown: unknown) => thrown)
      return { bytes: await sentBytes() - before, error }
    }
    const missing = await ask('stranger', 'no-such-job')
    const others = await ask('stranger', record.id)
    expect(missing.error).toBeInstanceOf(JobNotFoundError)
    expect(others.error).toBeInstanceOf(JobNotFoundError)
    // The INFO reply read between them varies by a few digits: far below the 3 MB record.
    expect(Math.abs(others.bytes - missing.bytes)).toBeLessThan(200)

    // The owner's route check reads what a summary shows; the app's hooks read the whole request.
    expect((await access.authorize('owner', record.id)).request).toEqual({ type: 'chat', messages: [request.messages.at(-1)] })
    expect((await access.authorizeWholeRead('owner', record.id)).request).toEqual(request)
    expect((await provider.get(record.id))!.request).toEqual(request)
    expect(await provider.get(record.id, { userId: 'stranger' })).toBeNull()
  })
})
