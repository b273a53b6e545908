/**
 * A job this tab knows deleted (its own `remove`, or another tab's `job-deleted` on the
 * notification stream) and then shown again after a client-side navigation (the Back button to
 * its page): the state the app kept of it (`useState`) is not shown as a job that still exists.
 */
import { nextTick } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useBackgroundJob } from '../../app/composables/useBackgroundJob'
import { useBackgroundJobs } from '../../app/composables/useBackgroundJobs'
import { deletedJobs } from '../../app/lib/deleted-jobs'
import { createJobState } from '../../shared/reducer'
import type { JobState } from '../../shared/reducer'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp
let requests: string[]

function completed(id: string): JobState {
  return { ...createJobState({ id, type: 'chat', createdAt: 0 }), status: 'completed', seq: 3, content: 'the answer' }
}

beforeEach(() => {
  vi.useFakeTimers()
  requests = []
  app = createComposableApp(async (url, options) => {
    const { method = 'GET' } = (options ?? {}) as { method?: string }
    requests.push(`${method} ${url}`)
    return method === 'DELETE' ? undefined : { state: completed(url.split('/').at(-1)!) }
  })
})

afterEach(() => {
  app.dispose()
  vi.useRealTimers()
})

/** Shows the ended job once (its stream's snapshot), then leaves the page. */
async function shownThenLeft(id: string): Promise<void> {
  const view = app.mount(() => useBackgroundJob(id))
  app.sources.at(-1)!.open()
  app.sources.at(-1)!.emit('snapshot', completed(id), '3')
  await nextTick()
  expect(view.result.text.value).toBe('the answer')
  view.unmount()
}

describe('useBackgroundJob: a job this tab knows deleted', () => {
  it('deleted here with remove(), then its page shown again: lost, nothing of it shown', async () => {
    await shownThenLeft('deleted-here')
    const { result: jobs } = app.mount(() => useBackgroundJobs())
    expect(await jobs.remove('deleted-here')).toBe(true)
    const again = app.mount(() => useBackgroundJob('deleted-here'))
    await nextTick()
    expect(again.result.lost.value).toBe(true)
    expect(again.result.text.value).toBe('')
    expect(again.result.error.value).toBe('This job no longer exists on the server.')
  })

  it('deleted elsewhere (job-deleted), then shown in a static view: lost', async () => {
    await shownThenLeft('deleted-elsewhere')
    deletedJobs.add({ jobId: 'deleted-elsewhere', threadId: null, origin: 'elsewhere' })
    const again = app.mount(() => useBackgroundJob('deleted-elsewhere', { live: false }))
    await nextTick()
    expect(again.result.lost.value).toBe(true)
    expect(again.result.text.value).toBe('')
    expect(app.openSources()).toHaveLength(0)
  })

  it('a job not deleted is shown again from the state kept, as before', async () => {
    await shownThenLeft('kept')
    const again = app.mount(() => useBackgroundJob('kept'))
    await nextTick()
    expect(again.result.lost.value).toBe(false)
    expect(again.result.text.value).toBe('the answer')
    expect(requests).toEqual([])
  })
})
