/**
 * A `job-lost` notification (the server's store lost a job before it ended: docs/api.md) as the
 * composables take it: the job leaves `useBackgroundJobs().list` and reaches `onDeleted` listeners
 * once, as `lost` — not `elsewhere`, which a view words as "deleted in another tab" — and its
 * listeners hear it; the demo's toast says what happened (`describeNotification`).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { useBackgroundJobs } from '../../app/composables/useBackgroundJobs'
import { useJobNotifications } from '../../app/composables/useJobNotifications'
import type { DeletedJob } from '../../app/lib/deleted-jobs'
import type { JobNotification } from '../../app/lib/api-types'
import { describeNotification } from '../../demo/app/lib/notification-text'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp | null = null
afterEach(() => {
  app?.dispose()
  app = null
})

const running = (id: string) => ({ id, type: 'chat', status: 'running', threadId: 't1', messageId: null, title: 'Plan a trip', createdAt: 1, updatedAt: 1, endedAt: null, lastSeq: 3 })

describe('a job-lost notification', () => {
  it('drops the job from list() and reaches onDeleted as lost, once, and the notification listeners', async () => {
    app = createComposableApp(async () => ({ jobs: [running('lost-1'), running('kept-1')] }))
    const heard: DeletedJob[] = []
    const notes: string[] = []
    const { result } = app.mount(() => {
      const { onNotification } = useJobNotifications()
      onNotification(note => void notes.push(`${note.type}:${note.jobId}`))
      const jobs = useBackgroundJobs()
      jobs.onDeleted(deleted => void heard.push(deleted))
      return jobs
    })
    expect((await result.list()).map(job => job.id)).toEqual(['lost-1', 'kept-1'])
    const stream = app.sources.find(source => source.url.includes('/api/jobs/notifications'))!
    stream.open()
    stream.emit('job-lost', { type: 'job-lost', id: 7, jobId: 'lost-1', threadId: 't1', title: 'Plan a trip', at: 5 }, '7')
    stream.emit('job-lost', { type: 'job-lost', id: 8, jobId: 'lost-1', threadId: 't1', title: 'Plan a trip', at: 6 }, '8')
    expect(heard).toEqual([{ jobId: 'lost-1', threadId: 't1', origin: 'lost' }])
    expect(notes).toEqual(['job-lost:lost-1'])
    expect((await result.list()).map(job => job.id)).toEqual(['kept-1'])
  })

  it('the demo says it was lost, naming it — not deleted', () => {
    const text = describeNotification({ type: 'job-lost', id: 1, jobId: 'j', threadId: 't1', title: 'Plan a trip', at: 1 } as JobNotification)
    expect(text).toMatchObject({ title: '“Plan a trip” was lost', tone: 'warning' })
    expect(text!.body).not.toMatch(/deleted/)
  })
})
