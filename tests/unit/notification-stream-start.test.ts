/**
 * A notification stream opened without a resume position starts with one (`stream-start`, its id
 * the position): a tab that has had no notification yet would otherwise reopen "from now" after a
 * break, and never hear of a job that was created, ended or deleted meanwhile.
 */
import { describe, expect, it, vi } from 'vitest'
import { NotificationHub } from '../../server/lib/notifications'
import type { JobNotification, NotificationSink } from '../../server/lib/notifications'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { idleRunners, serveRoutes } from '../support/route-app'
import { createClient } from '../support/http-client'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

function recordingSink() {
  const received: JobNotification[] = []
  const positions: number[] = []
  const sink: NotificationSink = { send: notification => received.push(notification), position: id => positions.push(id), comment() {}, close() {} }
  return { sink, received, positions }
}

const base = { threadId: null, status: 'completed' as const, title: 'hi' }

/** Reads a raw notification stream up to its `: connected` comment (the route's first bytes) and returns what came. */
async function firstBytes(url: string, cookie: string): Promise<{ text: string, abort: () => void }> {
  const controller = new AbortController()
  const response = await fetch(url, { headers: { accept: 'text/event-stream', cookie }, signal: controller.signal })
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let text = ''
  while (!text.includes(': connected\n')) {
    const { value, done } = await reader.read()
    if (done) break
    text += decoder.decode(value, { stream: true })
  }
  return { text, abort: () => controller.abort() }
}

describe('a fresh notification stream gets a resume position at once', () => {
  it('hub: the position is past every id given before and before every id given after; a reattach from it replays the break', () => {
    let nowMs = 10_000
    const hub = new NotificationHub(() => nowMs)
    hub.notify('u1', { ...base, jobId: 'before', type: 'job-end' })
    const tab = recordingSink()
    const detach = hub.attach('u1', tab.sink, null)
    expect(tab.positions).toHaveLength(1)
    const position = tab.positions[0]!
    expect(position).toBeGreaterThan(10_000)
    // The clock has not moved: the next id still comes after the position.
    hub.notify('u1', { ...base, jobId: 'same-ms', type: 'job-end' })
    expect(tab.received.map(item => item.jobId)).toEqual(['same-ms'])
    expect(tab.received[0]!.id).toBeGreaterThan(position)
    detach()
    // A tab that had no notification at all before its break.
    const quiet = recordingSink()
    const detachQuiet = hub.attach('u2', quiet.sink, null)
    detachQuiet()
    nowMs = 20_000
    hub.notify('u2', { ...base, jobId: 'during-break', type: 'job-end' })
    hub.jobDeleted('u2', 'old-job', 't1')
    const back = recordingSink()
    hub.attach('u2', back.sink, quiet.positions[0]!)
    expect(back.received.map(item => [item.type, item.jobId])).toEqual([['job-end', 'during-break'], ['job-deleted', 'old-job']])
    // A resumed stream has its position already: none is sent.
    expect(back.positions).toEqual([])
  })

  it('engine (memory): a job created and ended during the break is replayed to the stream that resumes from its position', async () => {
    const { engine } = createTestEngine({ runners: idleRunners })
    try {
      const tab = recordingSink()
      const detach = engine.attachNotifications('u1', tab.sink, null)
      expect(tab.positions).toHaveLength(1)
      detach()
      const { job } = await engine.createJob('u1', { request: chatRequest })
      await engine.abortJob('u1', job.id)
      await engine.whenSettled(job.id)
      const back = recordingSink()
      const detachBack = engine.attachNotifications('u1', back.sink, tab.positions[0]!)
      expect(back.received.map(item => [item.type, item.jobId])).toEqual([['job-created', job.id], ['job-end', job.id]])
      detachBack()
    }
    finally {
      await engine.dispose()
    }
  })

  it('route: the first frame is `stream-start` with an id, and a reconnect with it as Last-Event-ID gets the job created meanwhile', async () => {
    const app = await serveRoutes()
    try {
      const user = await createClient(app.base).init()
      const first = await firstBytes(`${app.base}/api/jobs/notifications`, user.cookie())
      first.abort()
      const position = /id: (\d+)\nevent: stream-start\ndata: (.*)\n/.exec(first.text)
      expect(position, first.text).not.toBeNull()
      expect(JSON.parse(position![2]!)).toEqual({ type: 'stream-start', id: Number(position![1]) })
      // The break: a job is created while no stream is open.
      const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: 'hi' }] })
      const back = await user.stream('/api/jobs/notifications', { 'last-event-id': position![1]! })
      const created = await back.waitFor(frame => frame.event === 'job-created')
      back.close()
      expect(created.data.jobId).toBe(job.id)
      expect(back.frames.some(frame => frame.event === 'stream-start')).toBe(false)
    }
    finally {
      await app.close()
    }
  })
})
