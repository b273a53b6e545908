/**
 * Listeners an app adds (`useBackgroundJobs().onDeleted`, `useJobNotifications().onNotification`)
 * are its own code, one per component. One that throws must not take the others down with it, nor
 * turn the request that caused the call into a failure: as with `EventTarget`, the error is
 * reported (console.error) and the other listeners still run.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useBackgroundJobs } from '../../app/composables/useBackgroundJobs'
import { useJobNotifications } from '../../app/composables/useJobNotifications'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp
let consoleError: ReturnType<typeof vi.spyOn>
const bug = new Error('a bug in one component')

beforeEach(() => {
  consoleError = vi.spyOn(console, 'error').mockImplementation(() => {})
  app = createComposableApp(async () => undefined)
})

afterEach(() => {
  app.dispose()
  consoleError.mockRestore()
})

describe('a listener that throws', () => {
  it('onDeleted: remove() still resolves true (the job was deleted), and the other listeners hear of it', async () => {
    const heard: string[] = []
    const jobs = app.mount(() => {
      const api = useBackgroundJobs()
      api.onDeleted(() => {
        throw bug
      })
      api.onDeleted(deleted => heard.push(deleted.jobId))
      return api
    })
    await expect(jobs.result.remove('deleted-1')).resolves.toBe(true)
    expect(heard).toEqual(['deleted-1'])
    expect(consoleError).toHaveBeenCalledWith(expect.any(String), bug)
  })

  it('onNotification: the other listeners still get the notification, and later ones too', () => {
    const heard: string[] = []
    app.mount(() => {
      const notifications = useJobNotifications()
      notifications.onNotification(() => {
        throw bug
      })
      notifications.onNotification(notification => heard.push(`${notification.type} ${notification.jobId}`))
      return notifications
    })
    const source = app.sources[0]!
    source.open()
    source.emit('job-end', { jobId: 'a', status: 'completed', title: 'A', threadId: null }, '1')
    source.emit('job-deleted', { jobId: 'b', threadId: null }, '2')
    expect(heard).toEqual(['job-end a', 'job-deleted b'])
    expect(consoleError).toHaveBeenCalledWith(expect.any(String), bug)
  })
})
