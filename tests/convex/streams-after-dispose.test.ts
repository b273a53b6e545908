/**
 * Streams asked for after the engine was disposed (SIGTERM disposes it at once, while Nitro still
 * serves the connections it has: an EventSource reconnecting after its stream was closed) are
 * refused with a 503 (`ShuttingDownError`, the client tries again elsewhere). Before, they were
 * attached: a viewer of a job running on another instance opened a subscription on the disposed
 * provider, a notification stream a user feed, both the engine's heartbeat timer, and neither
 * stream was ever closed — so Nitro's graceful shutdown waited its whole timeout for them.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { ShuttingDownError } from '../../server/lib/errors'
import type { NotificationSink } from '../../server/lib/notifications'
import { createRecordingSink, wait } from '../support/engine-harness'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
const chat = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }

describe('streams asked for after dispose', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a job stream and a notification stream are refused (503); nothing is attached, no timer started', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: async (context) => {
      for (;;) {
        context.text('word ')
        await wait(100, context.signal)
      }
    } })
    const b = createEngineNode(backend, { instanceId: 'B', config })
    const { job } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(500)
    await b.engine.dispose()

    const viewer = createRecordingSink()
    await expect(b.engine.attachViewer('u1', job.id, viewer, null)).rejects.toBeInstanceOf(ShuttingDownError)
    const notifications: NotificationSink = { send() {}, comment() {}, close() {} }
    expect(() => b.engine.attachNotifications('u1', notifications, null)).toThrow(ShuttingDownError)
    await vi.advanceTimersByTimeAsync(500)
    expect(viewer.frames).toEqual([])
    expect(b.engine.stats()).toMatchObject({ viewers: 0, remoteFeeds: 0, notificationSinks: 0, userFeeds: 0, engineTimers: 0 })
    await a.engine.dispose()
  })
})
