/**
 * A component created with `live: false` that follows the job with `connect()` (a list row that
 * starts following when expanded) lets its stream go when it unmounts, as a live one does.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useBackgroundJob } from '../../app/composables/useBackgroundJob'
import { activeJobFollowers } from '../../app/lib/job-follower-registry'
import { createJobState } from '../../shared/reducer'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp
beforeEach(() => {
  vi.useFakeTimers()
  app = createComposableApp(async () => ({ state: { ...createJobState({ id: 'j1', type: 'chat', createdAt: 0 }), status: 'running', seq: 1 } }))
})
afterEach(() => {
  app.dispose()
  vi.useRealTimers()
})

describe('live: false + connect()', () => {
  it('the stream a component opened with connect() closes when it unmounts', () => {
    const view = app.mount(() => {
      const job = useBackgroundJob('j1', { live: false })
      job.connect() // e.g. a list row that starts following when expanded
      return job
    })
    expect(app.openSources()).toHaveLength(1)
    view.unmount()
    expect(app.openSources()).toHaveLength(0)
    expect(activeJobFollowers()).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a live component that joins the job later still closes the stream on its unmount', () => {
    const row = app.mount(() => {
      const job = useBackgroundJob('j2', { live: false })
      job.connect()
      return job
    })
    row.unmount()
    const detail = app.mount(() => useBackgroundJob('j2'))
    detail.unmount()
    expect(app.openSources()).toHaveLength(0)
  })
})
