/**
 * A fresh notification stream's resume position (`stream-start`) holds across instances: a tab
 * that opened on B and had no notification yet, then lost its stream, reconnects to A from that
 * position and is replayed the job A ran meanwhile — not started again "from now".
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

describe('a fresh stream\'s position across instances', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a tab that opened on B with no notification yet, back on A after a break, is replayed A\'s job', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: briefText })
    const b = createEngineNode(backend, { instanceId: 'B', config })
    const tab = recordingSink()
    const detach = b.engine.attachNotifications('u1', tab.sink, null)
    await vi.advanceTimersByTimeAsync(10)
    expect(tab.positions).toHaveLength(1)
    detach()
    // The break: A runs a whole job while the tab has no stream.
    await vi.advanceTimersByTimeAsync(10)
    const { job } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(2_000)
    await a.engine.whenSettled(job.id)
    const back = recordingSink()
    const detachBack = a.engine.attachNotifications('u1', back.sink, tab.positions[0]!)
    expect(back.received.filter(item => item.jobId === job.id).map(item => item.type)).toEqual(['job-created', 'job-end'])
    detachBack()
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })
})
