/**
 * A tab's own delete is reported as its own even when the server's `job-deleted` notification
 * arrives before the DELETE's answer (the server tells the stream first).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { useBackgroundJobs } from '../../app/composables/useBackgroundJobs'
import { useJobNotifications } from '../../app/composables/useJobNotifications'
import type { DeletedJob } from '../../app/lib/deleted-jobs'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp | null = null
afterEach(() => {
  app?.dispose()
  app = null
})

describe('onDeleted origin of a delete made in this tab', () => {
  it('says here when the stream\'s job-deleted arrives before the DELETE answer', async () => {
    app = createComposableApp(async (url, options) => {
      if ((options as { method?: string } | undefined)?.method === 'DELETE') {
        // The server told the stream first (same order as it wrote them).
        app!.openSources()[0]!.emit('job-deleted', { type: 'job-deleted', jobId: 'job-r1', threadId: 't-r1', id: 7, at: 1 }, '7')
        return undefined
      }
      return {}
    })
    app.mount(() => useJobNotifications())
    const { result } = app.mount(() => useBackgroundJobs())
    const heard: DeletedJob[] = []
    result.onDeleted(deleted => heard.push(deleted))
    app.openSources()[0]!.open()
    expect(await result.remove('job-r1')).toBe(true)
    expect(heard).toEqual([{ jobId: 'job-r1', threadId: 't-r1', origin: 'here' }])
  })
})
