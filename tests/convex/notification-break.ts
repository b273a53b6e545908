/**
 * A tab's notification stream across a break, on two Convex instances: the tab opens on B, gets
 * its first position, and leaves; meanwhile A runs a whole (one-second) job of the same user.
 * Shared by notification-resume-feed and notification-stream-start, which reconnect the tab.
 */
import { vi } from 'vitest'
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

/** A sink that keeps (a copy of) what it is sent and the positions it is given. */
export function recordingSink() {
  const received: JobNotification[] = []
  const positions: number[] = []
  const sink: NotificationSink = { send: notification => received.push(structuredClone(notification)), position: id => positions.push(id), comment() {}, close() {} }
  return { sink, received, positions }
}

/** Instances A and B; the tab's stream on B, then the break in which A runs a job of u1 (fake timers). */
export async function tabBreakWhileAnotherRuns() {
  const backend = createBackend()
  const a = createEngineNode(backend, { instanceId: 'A', config, chat: briefText })
  const b = createEngineNode(backend, { instanceId: 'B', config })
  const tab = recordingSink()
  const detach = b.engine.attachNotifications('u1', tab.sink, null)
  await vi.advanceTimersByTimeAsync(10)
  detach()
  await vi.advanceTimersByTimeAsync(10)
  const { job } = await a.engine.createJob('u1', { request: chat })
  await vi.advanceTimersByTimeAsync(2_000)
  await a.engine.whenSettled(job.id)
  return { a, b, tab, job }
}
