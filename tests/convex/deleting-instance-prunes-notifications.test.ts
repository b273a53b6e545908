/**
 * A deletion announces `job-deleted` on the user's notification streams, which puts the user in
 * the instance's notification hub (a backlog for reconnects). Users leave the hub at the cleanup
 * pass after retention — but the pass only ran on an instance that had created or taken over a
 * job or served a notification stream. An instance that only answered deletions (behind a
 * balancer, with a shared store) kept every such user for good (up to the hub's 10,000-user cap,
 * each with its backlog and dedupe keys). Now any user entering the hub starts the pass.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const RETENTION_MS = 60_000
const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, limits: { retentionMs: RETENTION_MS, cleanupIntervalMs: 10_000 } })
const chat = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }

describe('an instance that only deletes jobs', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('forgets the users it announced deletions to once they are idle past retention', async () => {
    const backend = createBackend()
    const creator = createEngineNode(backend, { instanceId: 'A', config, chat: async (context) => {
      context.text('done')
    } })
    const deleter = createEngineNode(backend, { instanceId: 'B', config })
    const ids: string[] = []
    for (const user of ['u1', 'u2', 'u3']) {
      const { job } = await creator.engine.createJob(user, { request: chat, threadId: 't' })
      ids.push(job.id)
    }
    await vi.advanceTimersByTimeAsync(1_000)
    await Promise.all(ids.map(id => creator.engine.whenSettled(id)))

    await deleter.engine.deleteJob('u1', ids[0]!)
    await deleter.engine.deleteJob('u2', ids[1]!)
    await deleter.engine.deleteThread('u3', 't')
    expect(deleter.engine.stats().notificationUsers).toBe(3)

    vi.setSystemTime(Date.now() + RETENTION_MS + 1_000)
    await vi.advanceTimersByTimeAsync(config.limits.cleanupIntervalMs)
    expect(deleter.engine.stats().notificationUsers).toBe(0)
    await deleter.engine.dispose()
    await creator.engine.dispose()
  })
})
