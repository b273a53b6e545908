/**
 * A shutdown that begins while a job's end is being stored (the job finished a moment before the
 * signal): that job is not handed off — its end was decided and is stored — so it ends as any job
 * does: its viewers get the `job-end`, its user the job-end notification, and the log does not
 * say it was handed off. Before, `dispose` handed it off like a running job: the run was marked
 * abandoned while its end was being written, so the stored end was never reported here (viewers
 * closed without it, no notification, no `job-ended` hook) and no other instance reports it either.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { silentLogger } from '../../server/lib/logger'
import type { NotificationSink } from '../../server/lib/notifications'
import type { JobProvider } from '../../server/lib/providers/types'
import { createRecordingSink } from '../support/engine-harness'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

// Chats are handed off at shutdown with `recovery.chat: continue` (as workflows always are).
const config = resolveConfig({ scripted: { enabled: true }, recovery: { chat: 'continue' }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
const chat = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }

/** Holds the write that carries a `job-end` until `release()`; `endWriteStarted` settles when it is sent. */
function holdEndWrite(provider: JobProvider) {
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  let started: () => void = () => {}
  const endWriteStarted = new Promise<void>((resolve) => {
    started = resolve
  })
  const wrapped: JobProvider = {
    ...provider,
    appendEvents: async (jobId, events, options) => {
      if (events.some(event => event.type === 'job-end')) {
        started()
        await gate
      }
      return await provider.appendEvents(jobId, events, options)
    },
  }
  return { wrapped, endWriteStarted, release: () => release() }
}

describe('shutdown while a job\'s end is being stored', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('the job ends as usual: viewers get its job-end, its user the notification; it is not handed off', async () => {
    const logs: string[] = []
    const logger = { ...silentLogger, info: (message: string) => logs.push(message), warn: (message: string) => logs.push(message) }
    let finish: () => void = () => {}
    const finished = new Promise<void>((resolve) => {
      finish = resolve
    })
    let hold!: ReturnType<typeof holdEndWrite>
    const node = createEngineNode(createBackend(), {
      instanceId: 'A',
      config,
      logger,
      chat: async (context) => {
        context.text('hello')
        await finished
      },
      wrap: (provider) => {
        hold = holdEndWrite(provider)
        return hold.wrapped
      },
    })
    const { job } = await node.engine.createJob('u1', { request: chat })
    const viewer = createRecordingSink()
    await node.engine.attachViewer('u1', job.id, viewer, null)
    const notified: string[] = []
    const notifications: NotificationSink = { send: notification => notified.push(notification.type), comment() {}, close() {} }
    node.engine.attachNotifications('u1', notifications, null)
    await vi.advanceTimersByTimeAsync(500)

    finish()
    await hold.endWriteStarted
    const disposing = node.engine.dispose()
    hold.release()
    await vi.advanceTimersByTimeAsync(10_000)
    await disposing

    expect(viewer.frames.map(frame => frame.event)).toContain('job-end')
    expect(viewer.state()).toMatchObject({ status: 'completed', content: 'hello' })
    expect(notified).toContain('job-end')
    expect(logs.filter(message => message.includes('handed off'))).toEqual([])
  })
})
