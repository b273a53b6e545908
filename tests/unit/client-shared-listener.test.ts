/**
 * One function given as a listener by two components (a store's action, a module's handler): each
 * `onNotification` / `onDeleted` is its own subscription, so the first component to unmount must
 * not take the listener away from the one still mounted. It is called once per notification.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { useBackgroundJobs } from '../../app/composables/useBackgroundJobs'
import { useJobNotifications } from '../../app/composables/useJobNotifications'
import type { JobNotification } from '../../app/lib/api-types'
import type { DeletedJob } from '../../app/lib/deleted-jobs'
import { createDeletedJobs } from '../../app/lib/deleted-jobs'
import { notificationListenerCount } from '../../app/lib/notification-listeners'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp | null = null
afterEach(() => {
  app?.dispose()
  app = null
})

const ended = (jobId: string) => ({ jobId, status: 'completed', title: jobId, threadId: null })

describe('a listener function shared by two components', () => {
  it('onNotification: the component still mounted keeps hearing after the other unmounts, once per notification', async () => {
    app = createComposableApp(async () => ({}))
    const heard: string[] = []
    const shared = (notification: JobNotification) => heard.push(notification.jobId)
    const first = app.mount(() => useJobNotifications().onNotification(shared))
    const second = app.mount(() => useJobNotifications().onNotification(shared))
    app.sources[0]!.emit('job-end', ended('a'), '1')
    first.unmount()
    await Promise.resolve()
    app.sources[0]!.emit('job-end', ended('b'), '2')
    expect(heard).toEqual(['a', 'b'])
    second.unmount()
    await Promise.resolve()
    expect(notificationListenerCount()).toBe(0)
  })

  it('onDeleted: stopping one subscription leaves the other', () => {
    const store = createDeletedJobs()
    const heard: string[] = []
    const shared = (deleted: DeletedJob) => heard.push(deleted.jobId)
    const stopFirst = store.subscribe(shared)
    const stopSecond = store.subscribe(shared)
    store.add({ jobId: 'a', threadId: null, origin: 'here' })
    stopFirst()
    stopFirst()
    store.add({ jobId: 'b', threadId: null, origin: 'here' })
    stopSecond()
    store.add({ jobId: 'c', threadId: null, origin: 'here' })
    expect(heard).toEqual(['a', 'b'])
    expect(store.listenerCount).toBe(0)
  })

  it('useBackgroundJobs().onDeleted in two components', async () => {
    app = createComposableApp(async () => ({}))
    const heard: string[] = []
    const shared = (deleted: DeletedJob) => heard.push(deleted.jobId)
    app.mount(() => useJobNotifications())
    const first = app.mount(() => useBackgroundJobs().onDeleted(shared))
    app.mount(() => useBackgroundJobs().onDeleted(shared))
    first.unmount()
    app.sources[0]!.emit('job-deleted', { id: 7, jobId: 'gone', threadId: null, at: 5 }, '7')
    expect(heard).toEqual(['gone'])
  })
})
