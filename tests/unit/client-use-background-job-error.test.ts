/**
 * `useBackgroundJob`'s `error` is "a message when the job cannot be read" (docs/client.md): once
 * `refresh()` reads the job again, the message of the read that failed before goes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useBackgroundJob } from '../../app/composables/useBackgroundJob'
import { createJobState } from '../../shared/reducer'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp
let answer: () => Promise<unknown>

beforeEach(() => {
  vi.useFakeTimers()
  app = createComposableApp(() => answer())
})

afterEach(() => {
  app.dispose()
  vi.useRealTimers()
})

describe('useBackgroundJob: error after a read that failed', () => {
  it('refresh() that reads the job clears the message of the failed read before it', async () => {
    const view = app.mount(() => useBackgroundJob('j1', { live: false }))
    answer = async () => {
      throw Object.assign(new Error('[GET] "/api/jobs/j1": 503 Service Unavailable'), { statusCode: 503, data: { statusCode: 503, message: 'Background jobs are restarting; retry in 5 s' } })
    }
    await view.result.refresh()
    expect(view.result.error.value).toBe('Background jobs are restarting; retry in 5 s')

    answer = async () => ({ state: { ...createJobState({ id: 'j1', type: 'chat', createdAt: 0 }), status: 'running', seq: 3, content: 'abc' } })
    await view.result.refresh()
    expect(view.result.text.value).toBe('abc')
    expect(view.result.error.value).toBeNull()
  })
})
