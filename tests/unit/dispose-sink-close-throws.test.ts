/**
 * `dispose` closes every open stream. A notification stream whose `close` threw (a socket library's
 * error, an app's sink with a bug) threw out of the shutdown: the streams after it stayed open, and
 * the rest of the shutdown — the engine's timers, the batching clock, the provider's own dispose —
 * never ran (dispose rejected). Each close is now on its own: the shutdown goes on to the end.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { NotificationSink } from '../../server/lib/notifications'
import { createTestEngine } from '../support/engine-harness'

describe('a stream whose close throws at dispose', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('does not stop the shutdown nor the closing of the other streams', async () => {
    let providerDisposed = false
    const { engine } = createTestEngine({
      runners: { chat: async () => {} },
      wrap: provider => ({ ...provider, dispose: async () => void (providerDisposed = true) }),
    })
    let closed = 0
    const throwing: NotificationSink = { send() {}, comment() {}, close() {
      throw new Error('socket already destroyed')
    } }
    const other: NotificationSink = { send() {}, comment() {}, close: () => void closed++ }
    engine.attachNotifications('u1', throwing, null)
    engine.attachNotifications('u2', other, null)

    await engine.dispose()
    expect(closed).toBe(1)
    expect(providerDisposed).toBe(true)
    expect(engine.stats()).toMatchObject({ engineTimers: 0, notificationSinks: 0, notificationUsers: 0 })
  })
})
