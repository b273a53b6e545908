/**
 * The tab's store of deleted jobs (app/lib/deleted-jobs.ts) and how the composables use it: a
 * `job-deleted` notification (another tab or device deleted the job) takes the job out of
 * `useBackgroundJobs().list` and reaches `onDeleted` listeners as `elsewhere`; this tab's own
 * delete is `here`, and the notification of it that comes back is not announced again.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { useBackgroundJobs } from '../../app/composables/useBackgroundJobs'
import { useJobNotifications } from '../../app/composables/useJobNotifications'
import type { DeletedJob } from '../../app/lib/deleted-jobs'
import { createDeletedJobs } from '../../app/lib/deleted-jobs'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp | null = null
afterEach(() => {
  app?.dispose()
  app = null
})

const summary = (id: string, threadId: string) => ({ id, type: 'chat', status: 'completed', threadId, messageId: null, title: `title of ${id}`, createdAt: 1, updatedAt: 1, endedAt: 1, lastSeq: 3 })

describe('createDeletedJobs', () => {
  it('announces each job once, leaves known ones out of a list, and keeps a bounded number', () => {
    const store = createDeletedJobs(2)
    const heard: DeletedJob[] = []
    const stop = store.subscribe(deleted => heard.push(deleted))
    expect(store.add({ jobId: 'a', threadId: 't', origin: 'here' })).toBe(true)
    expect(store.add({ jobId: 'a', threadId: 't', origin: 'elsewhere' })).toBe(false)
    expect(store.without([{ id: 'a' }, { id: 'b' }])).toEqual([{ id: 'b' }])
    store.add({ jobId: 'b', threadId: null, origin: 'elsewhere' })
    store.add({ jobId: 'c', threadId: null, origin: 'elsewhere' })
    expect(store.size).toBe(2)
    expect(store.has('a')).toBe(false)
    stop()
    store.add({ jobId: 'd', threadId: null, origin: 'elsewhere' })
    expect(heard.map(deleted => `${deleted.jobId}:${deleted.origin}`)).toEqual(['a:here', 'b:elsewhere', 'c:elsewhere'])
  })
})

describe('useBackgroundJobs with the notification stream', () => {
  /** useBackgroundJobs beside the notification stream, recording what onDeleted hears. */
  function mountListening() {
    const heard: DeletedJob[] = []
    const { result } = app!.mount(() => {
      useJobNotifications()
      const jobs = useBackgroundJobs()
      jobs.onDeleted(deleted => heard.push(deleted))
      return jobs
    })
    return { result, heard }
  }

  it('a job-deleted notification drops the job from list() and reaches onDeleted as elsewhere', async () => {
    app = createComposableApp(async () => ({ jobs: [summary('nd-1', 'thread-x'), summary('nd-2', 'thread-x')] }))
    const { result, heard } = mountListening()
    expect((await result.list()).map(job => job.id)).toEqual(['nd-1', 'nd-2'])
    const stream = app.sources.find(source => source.url.includes('/api/jobs/notifications'))!
    stream.open()
    stream.emit('job-deleted', { id: 7, jobId: 'nd-1', threadId: 'thread-x', at: 5 }, '7')
    expect(heard).toEqual([{ jobId: 'nd-1', threadId: 'thread-x', origin: 'elsewhere' }])
    // A list read that still has the job (the server answered before the delete) leaves it out.
    expect((await result.list()).map(job => job.id)).toEqual(['nd-2'])
  })

  it('this tab\'s delete is announced as here, once: the notification of it that comes back is not', async () => {
    app = createComposableApp(async () => undefined)
    const { result, heard } = mountListening()
    expect(await result.remove('own-1')).toBe(true)
    const stream = app.sources.find(source => source.url.includes('/api/jobs/notifications'))!
    stream.open()
    stream.emit('job-deleted', { id: 1, jobId: 'own-1', threadId: null, at: 5 }, '1')
    expect(heard).toEqual([{ jobId: 'own-1', threadId: null, origin: 'here' }])
  })
})
