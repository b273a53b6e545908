/**
 * A notification stream on B follows the user's jobs on A. When a job there starts to wait, B reads
 * its stored state for the questions it asks; a read that fails once (the store flapped or timed
 * out) lost the `input-request` notification for good — the feed does not deliver the same record
 * again, so the user's other tabs were never told the job needs an answer. The read is tried again.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { ProviderUnavailableError } from '../../server/lib/errors'
import type { JobRunners } from '../../server/lib/engine-types'
import type { JobNotification } from '../../server/lib/notifications'
import type { JobProvider } from '../../server/lib/providers/types'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, limits: { inputTimeoutMs: 600_000 } })

const approving: JobRunners['chat'] = async (context) => {
  await context.requestInput({ kind: 'tool-approval', prompt: 'Allow?', onTimeout: 'deny' })
}

describe('a notification whose state read fails once', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('still tells the stream on the other instance that the job asks for input', async () => {
    const backend = createBackend()
    let failures = 1
    const flaky = (provider: JobProvider): JobProvider => ({
      ...provider,
      getState: async (id) => {
        if (failures-- > 0) throw new ProviderUnavailableError('convex', 'Convex did not answer getState in time', 5)
        return await provider.getState(id)
      },
    })
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: approving })
    const b = createEngineNode(backend, { instanceId: 'B', config, wrap: flaky })
    const received: JobNotification[] = []
    const detach = b.engine.attachNotifications('u1', { send: note => received.push(structuredClone(note)), comment() {}, close() {} }, null)
    await b.facade.settled()

    const { job } = await a.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] } })
    for (let turn = 0; turn < 20; turn++) {
      await vi.advanceTimersByTimeAsync(500)
      await b.facade.settled()
    }
    expect(received.filter(note => note.jobId === job.id).map(note => note.type)).toEqual(['job-created', 'input-request'])
    expect(failures).toBe(-1) // read twice: the failure, then the read that found the question

    detach()
    await a.engine.abortJob('u1', job.id)
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
