/**
 * A notification stream that resumes (Last-Event-ID) on an instance where no stream of the user was
 * open during its break: that instance's user feed was stopped, and started again "from now", so
 * what a job of another instance did during the break (created, ended, asked) never reached the
 * tab. The feed now starts from the stream's position.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { wait } from '../support/engine-harness'
import { resolveConfig } from '../../server/lib/config'
import type { JobRunners } from '../../server/lib/engine-types'
import type { JobNotification, NotificationSink } from '../../server/lib/notifications'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
const chat = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }

/** Writes a little text for a second, then ends. */
const briefText: JobRunners['chat'] = async (context) => {
  for (let index = 0; index < 10; index++) {
    await wait(100, context.signal)
    context.text(`w${index} `)
  }
}

function recordingSink() {
  const received: JobNotification[] = []
  const positions: number[] = []
  const sink: NotificationSink = { send: notification => received.push(structuredClone(notification)), position: id => positions.push(id), comment() {}, close() {} }
  return { sink, received, positions }
}

describe('a stream resumed on an instance that followed nothing of the user meanwhile', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a tab back on B after a break is told of the job A ran meanwhile', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: briefText })
    const b = createEngineNode(backend, { instanceId: 'B', config })
    const tab = recordingSink()
    const detach = b.engine.attachNotifications('u1', tab.sink, null)
    await vi.advanceTimersByTimeAsync(10)
    expect(tab.positions).toHaveLength(1)
    // The break: B has no stream of u1 (its feed stops) while A runs a whole job.
    detach()
    await vi.advanceTimersByTimeAsync(10)
    const { job } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(2_000)
    await a.engine.whenSettled(job.id)
    const back = recordingSink()
    const detachBack = b.engine.attachNotifications('u1', back.sink, tab.positions[0]!)
    await vi.advanceTimersByTimeAsync(100)
    expect(back.received.filter(item => item.jobId === job.id).map(item => item.type)).toEqual(['job-created', 'job-end'])
    detachBack()
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })
})
