/**
 * An app's `background-jobs:resolve-user` hook often gives its database's id, a number
 * (`context.userId = session.user?.id ?? null`, hooks.md's own example, with an integer `id`).
 * The layer kept the number as the user: on the memory provider everything compared number with
 * number and worked, but Redis stores the owner as text, so the owner check compared `'42'` with
 * `42` and every job was a 404 to the user who had just started it (and a user id 0 was no user
 * at all: the anonymous cookie's). A number is now that user's id as text, as every store keeps it.
 */
import type { H3Event } from 'h3'
import { describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { resolveUser } from '../../server/lib/http/resolve-user'
import { useRedisEngines } from '../support/redis-engines'

const hookUser = vi.hoisted(() => ({ id: null as unknown }))
vi.mock('nitropack/runtime', () => ({
  useNitroApp: () => ({ hooks: { callHook: async (_name: string, context: { userId: unknown }) => {
    context.userId = hookUser.id
  } } }),
}))

const { redis, engines } = useRedisEngines()

/** A chat runner that runs until the job is aborted (disposing the engine aborts it). */
function untilAborted({ signal }: { signal: AbortSignal }): Promise<void> {
  return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))
}

function requestEvent(): H3Event {
  return { context: {}, node: { req: { headers: {} }, res: {} } } as unknown as H3Event
}

describe('a numeric user id from the resolve-user hook', () => {
  it('owns its jobs on Redis', async () => {
    const { engine } = await engines.start({ url: redis.url, keyPrefix: 'numeric-user:', instanceId: 'a', chat: untilAborted })
    const config = resolveConfig({ allowAnonymous: false })
    hookUser.id = 42
    const userId = await resolveUser(requestEvent(), config)
    const { job } = await engine.createJob(userId, { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] } })
    await expect(engine.getJob(userId, job.id)).resolves.toMatchObject({ job: { id: job.id } })
    expect((await engine.listJobs(userId)).map(each => each.id)).toEqual([job.id])
    // The same user read again (another request) is the same owner.
    expect(await resolveUser(requestEvent(), config)).toBe(userId)
  })

  it('0 is a user, not the anonymous cookie', async () => {
    hookUser.id = 0
    await expect(resolveUser(requestEvent(), resolveConfig({ allowAnonymous: false }))).resolves.toBe('0')
  })

  it('another kind of value is the app\'s bug, named, not a user', async () => {
    hookUser.id = { id: 7 }
    await expect(resolveUser(requestEvent(), resolveConfig({ allowAnonymous: true }))).rejects.toThrow('The background-jobs:resolve-user hook set userId to an object')
  })
})
