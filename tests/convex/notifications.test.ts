/**
 * User notifications across instances: two engines on one Convex backend (convex-test running the
 * real convex/ functions). A user's notification stream on B hears about jobs that run on A, once
 * each; jobs on B itself are not notified twice; the feed ends with the user's last stream; a job
 * deleted on A reaches B's stream as job-deleted, and B's replay no longer carries its title.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { wait } from '../support/engine-harness'
import { resolveConfig } from '../../server/lib/config'
import type { JobRunners } from '../../server/lib/engine-types'
import type { JobNotification, NotificationSink } from '../../server/lib/notifications'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'
import type { Backend } from './backend'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, limits: { inputTimeoutMs: 600_000 } })
const chat = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }

/** Asks for approval, then answers with a word. */
const approving: JobRunners['chat'] = async (context) => {
  const answer = await context.requestInput({ kind: 'tool-approval', prompt: 'Allow?', onTimeout: 'deny' })
  context.text(`answer: ${String(answer.answer)}`)
}

/** Asks for approval, then writes for a minute after the answer (the job goes on running). */
const approvingThenLong: JobRunners['chat'] = async (context) => {
  const answer = await context.requestInput({ kind: 'tool-approval', prompt: 'Allow?', onTimeout: 'deny' })
  context.text(`answer: ${String(answer.answer)}`)
  await wait(60_000, context.signal)
}

/** Writes a little text for a second, then ends. */
const briefText: JobRunners['chat'] = async (context) => {
  for (let index = 0; index < 10; index++) {
    await wait(100, context.signal)
    context.text(`w${index} `)
  }
}

function createNode(backend: Backend, instanceId: string, chatRunner?: JobRunners['chat']) {
  return createEngineNode(backend, { instanceId, config, chat: chatRunner })
}

/**
 * Waits for the deliveries queued so far. A waiting job is turned into its notification after a
 * read of the job's state (two queries in a row), which `settled()` cannot see before the first
 * returns: a turn of the (fake) timers lets the chain queue the rest.
 */
async function settle(facade: ReturnType<typeof createEngineNode>['facade']) {
  await facade.settled()
  await vi.advanceTimersByTimeAsync(0)
  await facade.settled()
}

function createNotificationSink() {
  const received: JobNotification[] = []
  const sink: NotificationSink = { send: notification => received.push(structuredClone(notification)), comment() {}, close() {} }
  return { sink, received, types: (jobId: string) => received.filter(item => item.jobId === jobId).map(item => item.type) }
}

describe('notifications across instances', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a stream on B hears A\'s job ask for input and end, once each', async () => {
    const backend = createBackend()
    const a = createNode(backend, 'A', approving)
    const b = createNode(backend, 'B')
    const { sink, received, types } = createNotificationSink()
    const detach = b.engine.attachNotifications('u1', sink, null)
    expect(b.engine.stats().userFeeds).toBe(1)
    await settle(b.facade) // the feed's starting point

    const { job } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(100)
    await settle(b.facade)
    const request = received.find(item => item.type === 'input-request')
    expect(request).toMatchObject({ jobId: job.id, status: 'waiting', prompt: 'Allow?', title: job.title })
    const { state } = await b.engine.getJob('u1', job.id)
    expect(request!.requestId).toBe(state.pendingInputs[0]!.requestId)

    await b.engine.answerInput('u1', job.id, { requestId: request!.requestId!, answer: 'approve' })
    await vi.advanceTimersByTimeAsync(1_000)
    await a.engine.whenSettled(job.id)
    await settle(b.facade)
    expect(types(job.id)).toEqual(['job-created', 'input-request', 'job-end'])
    expect(received.at(-1)).toMatchObject({ type: 'job-end', status: 'completed' })
    // Ids grow (they follow the clock, so instances' ids interleave).
    const ids = received.map(item => item.id)
    expect(ids).toEqual([...ids].sort((x, y) => x - y))
    expect(new Set(ids).size).toBe(3)

    detach()
    expect(b.engine.stats()).toMatchObject({ userFeeds: 0, notificationSinks: 0 })
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })

  it('a question of A\'s job answered (on A or on B): B\'s open stream hears input-answered while the job runs on', async () => {
    for (const answerOn of ['A', 'B'] as const) {
      const backend = createBackend()
      const a = createNode(backend, 'A', approvingThenLong)
      const b = createNode(backend, 'B')
      const { sink, received, types } = createNotificationSink()
      const detach = b.engine.attachNotifications('u1', sink, null)
      await settle(b.facade)
      const { job } = await a.engine.createJob('u1', { request: chat })
      await vi.advanceTimersByTimeAsync(100)
      await settle(b.facade)
      const request = received.find(item => item.type === 'input-request')!
      await (answerOn === 'A' ? a : b).engine.answerInput('u1', job.id, { requestId: request.requestId!, answer: 'approve' })
      await vi.advanceTimersByTimeAsync(100)
      await settle(b.facade)
      expect(types(job.id), `answered on ${answerOn}`).toEqual(['job-created', 'input-request', 'input-answered'])
      expect(received.at(-1)).toMatchObject({ type: 'input-answered', jobId: job.id, requestId: request.requestId, status: 'running', title: job.title })
      // A stream that reconnects now is told the answer, not asked again.
      const replay = createNotificationSink()
      b.engine.attachNotifications('u1', replay.sink, 0)
      expect(replay.types(job.id)).toEqual(['job-created', 'input-answered'])
      detach()
      await Promise.all([a.engine.dispose(), b.engine.dispose()])
    }
  })

  it('a stream that opened on B while A\'s job was already waiting hears the answer given later', async () => {
    const backend = createBackend()
    const a = createNode(backend, 'A', approvingThenLong)
    const b = createNode(backend, 'B')
    const { job } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(100)
    const { state } = await a.engine.getJob('u1', job.id)
    const requestId = state.pendingInputs[0]!.requestId

    const { sink, received, types } = createNotificationSink()
    const detach = b.engine.attachNotifications('u1', sink, null)
    await settle(b.facade)
    await a.engine.answerInput('u1', job.id, { requestId, answer: 'approve' })
    await vi.advanceTimersByTimeAsync(100)
    await settle(b.facade)
    expect(types(job.id)).toEqual(['input-answered'])
    expect(received[0]).toMatchObject({ requestId, status: 'running' })
    detach()
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })

  it('a job running on B itself is notified once, not again through the feed', async () => {
    const backend = createBackend()
    const b = createNode(backend, 'B', approving)
    const { sink, received, types } = createNotificationSink()
    b.engine.attachNotifications('u1', sink, null)
    await settle(b.facade)

    const { job } = await b.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(100)
    await settle(b.facade)
    const request = received.find(item => item.type === 'input-request')!
    await b.engine.answerInput('u1', job.id, { requestId: request.requestId!, answer: 'approve' })
    await vi.advanceTimersByTimeAsync(1_000)
    await b.engine.whenSettled(job.id)
    await settle(b.facade)
    expect(types(job.id)).toEqual(['job-created', 'input-request', 'input-answered', 'job-end'])
    await b.engine.dispose()
    expect(b.engine.stats()).toMatchObject({ userFeeds: 0, notificationUsers: 0, notificationSinks: 0 })
  })

  it('another user\'s jobs never reach the stream; jobs that changed before it opened are not replayed', async () => {
    const backend = createBackend()
    const a = createNode(backend, 'A', briefText)
    const b = createNode(backend, 'B')
    const { job: before } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(2_000)
    await a.engine.whenSettled(before.id)

    const { sink, received } = createNotificationSink()
    b.engine.attachNotifications('u1', sink, null)
    await settle(b.facade)
    const { job: other } = await a.engine.createJob('u2', { request: chat })
    const { job: mine } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(2_000)
    await Promise.all([a.engine.whenSettled(other.id), a.engine.whenSettled(mine.id)])
    await settle(b.facade)
    expect(received.map(item => [item.jobId, item.type])).toEqual([[mine.id, 'job-created'], [mine.id, 'job-end']])
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })

  it('detaching the last stream drops the feed: later jobs are not heard, and it restarts with a new stream', async () => {
    const backend = createBackend()
    const a = createNode(backend, 'A', briefText)
    const b = createNode(backend, 'B')
    const first = createNotificationSink()
    const second = createNotificationSink()
    const detachFirst = b.engine.attachNotifications('u1', first.sink, null)
    const detachSecond = b.engine.attachNotifications('u1', second.sink, null)
    expect(b.engine.stats()).toMatchObject({ userFeeds: 1, notificationSinks: 2 })
    detachFirst()
    expect(b.engine.stats()).toMatchObject({ userFeeds: 1, notificationSinks: 1 })
    detachSecond()
    expect(b.engine.stats()).toMatchObject({ userFeeds: 0, notificationSinks: 0 })
    await settle(b.facade)

    const { job: unheard } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(2_000)
    await a.engine.whenSettled(unheard.id)
    await settle(b.facade)
    expect([...first.received, ...second.received]).toEqual([])

    const third = createNotificationSink()
    const detachThird = b.engine.attachNotifications('u1', third.sink, null)
    await settle(b.facade)
    const { job: heard } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(2_000)
    await a.engine.whenSettled(heard.id)
    await settle(b.facade)
    expect(third.types(heard.id)).toEqual(['job-created', 'job-end'])
    expect(third.received.some(item => item.jobId === unheard.id)).toBe(false)
    detachThird()
    expect(b.engine.stats().userFeeds).toBe(0)
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })

  it('a job deleted on A: B\'s stream gets job-deleted (no title), and B\'s replay keeps only that', async () => {
    const backend = createBackend()
    const a = createNode(backend, 'A', briefText)
    const b = createNode(backend, 'B')
    const open = createNotificationSink()
    const detach = b.engine.attachNotifications('u1', open.sink, null)
    await settle(b.facade)
    const { job } = await a.engine.createJob('u1', { request: { ...chat, messages: [{ role: 'user', content: 'my private question' }] }, threadId: 't1' })
    await vi.advanceTimersByTimeAsync(2_000)
    await a.engine.whenSettled(job.id)
    await settle(b.facade)
    expect(open.types(job.id)).toEqual(['job-created', 'job-end'])
    expect(JSON.stringify(open.received)).toContain('my private question')

    await a.engine.deleteJob('u1', job.id)
    await settle(b.facade)
    expect(open.types(job.id)).toEqual(['job-created', 'job-end', 'job-deleted'])
    expect(open.received.at(-1)).toEqual({ type: 'job-deleted', jobId: job.id, threadId: 't1', id: expect.any(Number), at: expect.any(Number) })

    const replay = createNotificationSink()
    b.engine.attachNotifications('u1', replay.sink, 0)
    expect(replay.types(job.id)).toEqual(['job-deleted'])
    expect(JSON.stringify(replay.received)).not.toContain('my private question')
    detach()
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })
})
