/**
 * The client's side of renaming a thread: `useBackgroundJobs().renameThread` sends
 * `PATCH /api/jobs/threads/:threadId` `{ title }` and hands back what the server stored, or rejects
 * with the server's status and words; the notification follower delivers every `thread-renamed`
 * (each rename is news, so two of one thread are not taken for a replayed duplicate), and a replay
 * of the same one once.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { useBackgroundJobs } from '../../app/composables/useBackgroundJobs'
import { apiErrorStatus } from '../../app/lib/api-error'
import type { JobNotification } from '../../app/lib/api-types'
import { followNotifications } from '../../app/lib/notification-stream'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'
import { FakeEventSource } from '../support/fake-event-source'

let app: ComposableApp | null = null
afterEach(() => {
  app?.dispose()
  app = null
})

const httpError = (statusCode: number, message: string) => Object.assign(new Error(`HTTP ${statusCode}`), { statusCode, data: { statusCode, message } })

describe('useBackgroundJobs().renameThread', () => {
  it('PATCHes the thread (its id encoded) with the title, and resolves with the title as stored', async () => {
    const asked: Array<{ url: string, options: unknown }> = []
    app = createComposableApp(async (url, options) => {
      asked.push({ url, options })
      return { threadId: 'trip/2026 ✈', title: 'Lisbon' }
    })
    const { result } = app.mount(() => useBackgroundJobs())
    expect(await result.renameThread('trip/2026 ✈', '  Lisbon ')).toEqual({ threadId: 'trip/2026 ✈', title: 'Lisbon' })
    expect(asked).toEqual([{ url: '/api/jobs/threads/trip%2F2026%20%E2%9C%88', options: { method: 'PATCH', body: { title: '  Lisbon ' } } }])
  })

  it('rejects with the server\'s status and message: 400 for a refused title, 404 for a thread gone', async () => {
    const answers = [httpError(400, 'Invalid request body: title: must not be empty or only whitespace'), httpError(404, 'Thread t-1 not found')]
    app = createComposableApp(async () => {
      throw answers.shift()
    })
    const { result } = app.mount(() => useBackgroundJobs())
    const refused = await result.renameThread('t-1', ' ').catch((error: unknown) => error)
    expect(apiErrorStatus(refused)).toBe(400)
    expect((refused as Error).message).toContain('title: must not be empty')
    expect(apiErrorStatus(await result.renameThread('t-1', 'x').catch((error: unknown) => error))).toBe(404)
  })

  it('refuses an empty thread id before asking the server', async () => {
    app = createComposableApp(async () => {
      throw new Error('not asked')
    })
    const { result } = app.mount(() => useBackgroundJobs())
    await expect(result.renameThread('', 'x')).rejects.toThrow(TypeError)
  })
})

describe('thread-renamed on the notification stream', () => {
  it('is delivered each time a thread is renamed, and a replay of one once', () => {
    const sources: FakeEventSource[] = []
    const received: JobNotification[] = []
    const handle = followNotifications({
      url: '/api/jobs/notifications',
      subscribeToWake: () => () => {},
      onNotification: notification => received.push(notification),
      createEventSource: (url) => {
        const source = new FakeEventSource(url)
        sources.push(source)
        return source
      },
    })
    const renamed = (id: number, title: string) => ({ jobId: '', threadId: 't-1', title, id, at: id })
    sources[0]!.emit('thread-renamed', renamed(10, 'One'), '10')
    sources[0]!.emit('thread-renamed', renamed(11, 'Two'), '11')
    sources[0]!.emit('thread-renamed', renamed(12, 'Two'), '12')
    // The same notification again (a replay after a reconnect): dropped.
    sources[0]!.emit('thread-renamed', renamed(11, 'Two'), '11')
    expect(received.map(({ type, threadId, title }) => [type, threadId, title])).toEqual([
      ['thread-renamed', 't-1', 'One'],
      ['thread-renamed', 't-1', 'Two'],
      ['thread-renamed', 't-1', 'Two'],
    ])
    handle.close()
  })
})
