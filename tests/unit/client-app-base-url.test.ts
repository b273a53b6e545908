/**
 * An app served under a path (`app.baseURL: '/chat/'`, `NUXT_APP_BASE_URL`) has the layer's API
 * under it too: Nitro mounts its routes there, and `$fetch` puts the base before a path of its own.
 * An `EventSource` opens the URL it is given, so the streams the composables open need the base
 * themselves: without it every job stream and the notification stream went to `/api/jobs/…`,
 * outside the app (a 404, or another app's page), and nothing was ever live.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { useBackgroundJob } from '../../app/composables/useBackgroundJob'
import { useBackgroundJobs } from '../../app/composables/useBackgroundJobs'
import { useJobNotifications } from '../../app/composables/useJobNotifications'
import { createJobState } from '../../shared/reducer'
import { emptyMetrics } from '../../shared/events'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp | null = null

afterEach(() => {
  app?.dispose()
  app = null
})

function conflict(): never {
  throw Object.assign(new Error('409'), { statusCode: 409, data: { statusCode: 409, message: 'Job j2 is running' } })
}

describe('an app served under app.baseURL', () => {
  it('opens the job stream, the notification stream and the stream remove() waits on under the base', async () => {
    let j2Ended = false
    app = createComposableApp(async (url, options) => {
      if ((options as { method?: string } | undefined)?.method === 'DELETE') return j2Ended ? null : conflict()
      if (url.endsWith('/abort')) return { job: { id: 'j2', status: 'running' } }
      return { state: { ...createJobState({ id: 'j1', type: 'chat', createdAt: 0 }), status: 'running', seq: 1 } }
    }, { baseURL: '/chat/' })
    app.mount(() => useBackgroundJob('j1'))
    app.mount(() => useJobNotifications())
    const { result: jobs } = app.mount(() => useBackgroundJobs())
    const removing = jobs.remove('j2', { abort: true })
    for (let tick = 0; tick < 10; tick++) await Promise.resolve()
    expect(app.sources.map(source => source.url)).toEqual([
      '/chat/api/jobs/j1/stream',
      '/chat/api/jobs/notifications',
      '/chat/api/jobs/j2/stream',
    ])
    // The stream remove() waits on belongs to no component: unmounting leaves it open. Left so, its
    // real quiet timer checked it 45 s later with the real fetch (a relative URL: it fails) and
    // retried for ever, in the next files of this shared worker too — under their fake timers, an
    // endless run of timers (model-scripted: "Aborting after running 10000 timers").
    j2Ended = true
    app.sources[2]!.emit('job-end', { type: 'job-end', seq: 2, at: 2, status: 'aborted', metrics: emptyMetrics() }, '2')
    expect(await removing).toBe(true)
    app.dispose()
    await Promise.resolve() // the notification stream closes once the unmount is done
    expect(app.openSources().map(source => source.url)).toEqual([])
  })

  it('at the root (the default "/") the paths stay as they are', () => {
    app = createComposableApp(async () => ({ state: { ...createJobState({ id: 'j1', type: 'chat', createdAt: 0 }), status: 'running', seq: 1 } }))
    app.mount(() => useBackgroundJob('j1'))
    expect(app.sources.map(source => source.url)).toEqual(['/api/jobs/j1/stream'])
  })
})
