/**
 * A `connect()` that runs after its component unmounted — a Retry handler that awaited `refresh()`
 * while the user left the page — must not open a stream: no unmount is left to close it, and the
 * EventSource, its timers and the follower would stay for the life of the tab.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useBackgroundJob } from '../../app/composables/useBackgroundJob'
import { activeJobFollowers } from '../../app/lib/job-follower-registry'
import { createJobState } from '../../shared/reducer'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp
let answerRead: (() => void) | null = null

beforeEach(() => {
  vi.useFakeTimers()
  app = createComposableApp(() => new Promise((resolve) => {
    answerRead = () => resolve({ state: { ...createJobState({ id: 'j1', type: 'chat', createdAt: 0 }), status: 'running', seq: 3, content: 'abc' } })
  }))
})

afterEach(() => {
  app.dispose()
  vi.useRealTimers()
})

describe('useBackgroundJob: connect() after the component unmounted', () => {
  it('a Retry handler (`await refresh(); connect()`) that finishes after the unmount opens nothing', async () => {
    const view = app.mount(() => useBackgroundJob('j1', { live: false }))
    const retry = (async () => {
      await view.result.refresh()
      view.result.connect()
    })()
    view.unmount()
    answerRead!()
    await retry
    expect(app.openSources()).toHaveLength(0)
    expect(activeJobFollowers()).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })
})
