/**
 * An input request answered (on any tab, any instance) leaves the user's notification backlog: a
 * tab that reconnects after it must not be asked again for an answer already given ("needs you"
 * for a job that no longer waits): it is told `input-answered` instead, as every open stream is. An
 * ended job's requests leave it too.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { NotificationHub } from '../../server/lib/notifications'
import type { JobNotification, NotificationSink } from '../../server/lib/notifications'
import type { RunContext } from '../../server/lib/run-context'
import { chatRequest, createTestEngine } from '../support/engine-harness'

function recordingSink() {
  const received: JobNotification[] = []
  const sink: NotificationSink = { send: notification => received.push(notification), comment() {}, close() {} }
  return { sink, received }
}

describe('answered input requests leave the notification backlog', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a tab reconnecting after the question was answered on another tab is not asked again', async () => {
    let answered = false
    const { engine } = createTestEngine({
      runners: {
        async chat(context: RunContext) {
          await context.requestInput({ kind: 'workflow-input', prompt: 'Which?', onTimeout: 'fail' })
          answered = true
          // The job goes on a long while after the answer.
          await new Promise(resolve => setTimeout(resolve, 60_000))
        },
      },
    })
    const tab = recordingSink()
    const detach = engine.attachNotifications('u1', tab.sink, null)
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(10)
    // The tab heard the question; it sleeps, and reconnects from before it (another instance's id).
    const before = Math.min(...tab.received.map(item => item.id)) - 1
    // Meanwhile another tab answers.
    detach()
    await vi.advanceTimersByTimeAsync(10)
    const { state } = await engine.getJob('u1', job.id)
    await engine.answerInput('u1', job.id, { requestId: state.pendingInputs[0]!.requestId, answer: 'blue' })
    await vi.advanceTimersByTimeAsync(10)
    expect(answered).toBe(true)
    const reconnected = recordingSink()
    const detachAgain = engine.attachNotifications('u1', reconnected.sink, before)
    // Told the answer, not asked again.
    expect(reconnected.received.map(item => item.type)).toEqual(['job-created', 'input-answered'])
    detachAgain()
    await vi.advanceTimersByTimeAsync(60_000)
    await engine.dispose()
  })

  it('a tab with its stream open hears input-answered when another tab answers, with the job\'s status after it', async () => {
    const { engine } = createTestEngine({
      runners: {
        async chat(context: RunContext) {
          const [first, second] = [
            context.requestInput({ kind: 'workflow-input', prompt: 'First?', onTimeout: 'fail' }),
            context.requestInput({ kind: 'workflow-input', prompt: 'Second?', onTimeout: 'fail' }),
          ]
          await Promise.all([first, second])
          await new Promise(resolve => setTimeout(resolve, 60_000))
        },
      },
    })
    const tab = recordingSink()
    const detach = engine.attachNotifications('u1', tab.sink, null)
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(10)
    const { state } = await engine.getJob('u1', job.id)
    const [first, second] = state.pendingInputs.map(input => input.requestId)
    await engine.answerInput('u1', job.id, { requestId: first!, answer: 'a' })
    await vi.advanceTimersByTimeAsync(10)
    // One question still open: the job still waits.
    expect(tab.received.at(-1)).toMatchObject({ type: 'input-answered', jobId: job.id, requestId: first, status: 'waiting', title: job.title })
    await engine.answerInput('u1', job.id, { requestId: second!, answer: 'b' })
    await vi.advanceTimersByTimeAsync(10)
    expect(tab.received.at(-1)).toMatchObject({ type: 'input-answered', requestId: second, status: 'running' })
    expect(tab.received.map(item => item.type)).toEqual(['job-created', 'input-request', 'input-request', 'input-answered', 'input-answered'])
    detach()
    await vi.advanceTimersByTimeAsync(60_000)
    await engine.dispose()
  })

  it('a question that ends the job when it expires is told by the job\'s end only', async () => {
    const { engine } = createTestEngine({
      runners: {
        async chat(context: RunContext) {
          await context.requestInput({ kind: 'workflow-input', prompt: 'Which?', onTimeout: 'fail', timeoutMs: 1_000 })
        },
      },
    })
    const tab = recordingSink()
    engine.attachNotifications('u1', tab.sink, null)
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(1_100)
    await engine.whenSettled(job.id)
    expect(tab.received.map(item => [item.type, item.status])).toEqual([['job-created', 'queued'], ['input-request', 'waiting'], ['job-end', 'failed']])
    await engine.dispose()
  })

  it('a job\'s end drops its requests from the backlog, and an answer told by the feed drops the one answered', () => {
    const hub = new NotificationHub(() => 1_000)
    const base = { threadId: null, title: 'hi' }
    hub.notify('u1', { ...base, jobId: 'j1', type: 'input-request', status: 'waiting', requestId: 'r1' })
    hub.notify('u1', { ...base, jobId: 'j2', type: 'input-request', status: 'waiting', requestId: 'r2' })
    hub.notify('u1', { ...base, jobId: 'j2', type: 'input-request', status: 'waiting', requestId: 'r3' })
    hub.notify('u1', { ...base, jobId: 'j1', type: 'job-end', status: 'completed' })
    hub.inputSettled('u1', 'j2', 'r2')
    const tab = recordingSink()
    hub.attach('u1', tab.sink, 0)
    expect(tab.received.map(item => [item.type, item.jobId, item.requestId])).toEqual([
      ['input-request', 'j2', 'r3'],
      ['job-end', 'j1', undefined],
    ])
    hub.inputSettled('u1', 'j2')
    const later = recordingSink()
    hub.attach('u1', later.sink, 0)
    expect(later.received.map(item => item.type)).toEqual(['job-end'])
  })
})
