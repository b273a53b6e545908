/**
 * `engine.renameThread` as an app's own route calls it (docs/hooks.md): the same rules as the HTTP
 * route, checked by the engine itself — a title it refuses is an `InvalidRequestError` naming
 * `title` (400), a thread the user has no job in a `ThreadNotFoundError` (404) — and a title it
 * takes is stored trimmed, listed and told to the user's streams.
 */
import { describe, expect, it } from 'vitest'
import type { JobNotification } from '../../shared/api-types'
import { chatRequest, createTestEngine, wait } from '../support/engine-harness'

describe('engine.renameThread', () => {
  it('refuses what the route refuses, 404s another user\'s thread, stores and tells a good title', async () => {
    const { engine } = createTestEngine({ runners: { chat: async context => await wait(60_000, context.signal), workflow: async () => {} } })
    const { job } = await engine.createJob('u1', { request: chatRequest, threadId: 'talk' })
    await engine.abortJob('u1', job.id)
    await engine.whenSettled(job.id)
    const told: JobNotification[] = []
    const detach = engine.attachNotifications('u1', { send: notification => void told.push(notification), comment() {}, close() {} }, null)
    try {
      await expect(engine.renameThread('u1', 'talk', ' ')).rejects.toMatchObject({ name: 'InvalidRequestError', statusCode: 400, message: 'title: must not be empty or only whitespace' })
      await expect(engine.renameThread('u1', 'talk', 'a\u0000b')).rejects.toMatchObject({ name: 'InvalidRequestError', message: 'title: must not contain control characters (found U+0000 at index 1)' })
      await expect(engine.renameThread('u1', 'talk', 42 as unknown as string)).rejects.toMatchObject({ name: 'InvalidRequestError', message: 'title: must be a string' })
      await expect(engine.renameThread('u2', 'talk', 'Mine')).rejects.toMatchObject({ name: 'ThreadNotFoundError', statusCode: 404 })
      expect(told).toEqual([])

      expect(await engine.renameThread('u1', 'talk', ' Named ')).toEqual({ threadId: 'talk', title: 'Named' })
      expect((await engine.listThreads('u1', { limit: 10 })).threads.map(thread => [thread.threadId, thread.title, thread.renamed])).toEqual([['talk', 'Named', true]])
      expect(told.map(({ type, threadId, title }) => [type, threadId, title])).toEqual([['thread-renamed', 'talk', 'Named']])
    }
    finally {
      detach()
      await engine.dispose()
    }
  })
})
