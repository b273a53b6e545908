/**
 * A user's notification stream whose `send` throws (a write on a destroyed socket, an app's sink
 * with a bug) threw out of `notify`: the user's other streams after it missed the notification,
 * and the throw reached whoever notified — a run asking a question failed on it, and a job's end
 * skipped its `jobEnded` hook (the run logged "finishing a job failed"). Now that stream alone is
 * closed and dropped; the job and the user's other streams go on. It was dropped without a word
 * (a job's viewer logs one line): now one error line says so, naming the job notified about.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobNotification, NotificationSink } from '../../server/lib/notifications'
import { chatRequest, createTestEngine, wait } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'

function recordingSink(throws = false) {
  const sink = {
    received: [] as JobNotification[],
    closes: 0,
    send(notification: JobNotification) {
      if (throws) throw new Error('write after end')
      sink.received.push(notification)
    },
    comment() {},
    close() {
      sink.closes++
    },
  } satisfies NotificationSink & Record<string, unknown>
  return sink
}

describe('a notification stream whose send throws', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is closed and dropped; the job ends with its hook and the other stream gets every notification', async () => {
    const ended: string[] = []
    const { logger, lines } = recordingLogger()
    const { engine } = createTestEngine({
      logger,
      runners: {
        chat: async (context) => {
          await wait(100, context.signal)
          context.text('done')
        },
      },
      hooks: { jobEnded: async (job) => void ended.push(job.id) },
    })
    const failing = recordingSink(true)
    const other = recordingSink()
    engine.attachNotifications('u1', failing, null)
    engine.attachNotifications('u1', other, null)
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(200)
    await engine.whenSettled(job.id)

    expect((await engine.getJob('u1', job.id)).job.status).toBe('completed')
    expect(ended).toEqual([job.id])
    expect(other.received.map(notification => notification.type)).toEqual(['job-created', 'job-end'])
    expect(failing.closes).toBe(1)
    expect(engine.stats().notificationSinks).toBe(1)
    expect(lines.filter(line => line.message.includes('threw on send'))).toEqual([
      { level: 'error', message: 'a notification stream threw on send; it was closed', fields: { jobId: job.id, error: expect.any(Error) } },
    ])
    await engine.dispose()
  })
})
