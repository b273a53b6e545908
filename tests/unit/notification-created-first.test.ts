/**
 * A job's notifications come in the order of its life: `job-created` first, also for a job that
 * asks a question at once (a workflow whose first step is an input).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobNotification, NotificationSink } from '../../server/lib/notifications'
import type { RunContext } from '../../server/lib/run-context'
import { chatRequest, createTestEngine } from '../support/engine-harness'

describe('notification order of a new job', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('job-created comes before the input-request of a job that asks at once', async () => {
    const { engine } = createTestEngine({
      runners: {
        async chat(context: RunContext) {
          await context.requestInput({ kind: 'workflow-input', prompt: 'Which?', onTimeout: 'fail' })
        },
      },
    })
    const received: JobNotification[] = []
    const sink: NotificationSink = { send: notification => received.push(notification), comment() {}, close() {} }
    const detach = engine.attachNotifications('u1', sink, null)
    await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(10)
    expect(received.map(item => item.type)).toEqual(['job-created', 'input-request'])
    expect(received.map(item => item.id)).toEqual([...received.map(item => item.id)].sort((a, b) => a - b))
    detach()
    await engine.dispose()
  })
})
