/**
 * A job that recovery ends (its owner was lost: a chat ended `owner-lost`) gets the same `job
 * ended` line as any other end (docs/ops.md › Logs): a warning with its type, status, error code
 * and where it failed — logged once, by the instance whose end was stored. It got only an info
 * line `ended a job whose owner was lost`, so a search of the failed jobs' lines never found it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { Logger } from '../../server/lib/logger'
import { useMetrics } from '../../server/lib/metrics'
import { createBackend, createInstance, newJob, statusEvent, textDeltas } from './backend'
import { createEngineNode } from './engine-node'

const NOW = 1_000_000

function recordingLogger() {
  const lines: Array<{ level: string, message: string, fields?: Record<string, unknown> }> = []
  const logger: Logger = {
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  }
  return { lines, logger }
}

describe('the job ended line of a recovered job', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(NOW)
    useMetrics().reset()
  })
  afterEach(() => {
    vi.useRealTimers()
    useMetrics().reset()
  })

  it('a chat ended owner-lost is a job ended warning, once, on the instance that ended it', async () => {
    const backend = createBackend()
    const store = createInstance(backend).provider
    const job = newJob({ lease: { instanceId: 'lost', epoch: 1, expiresAt: Number.MAX_SAFE_INTEGER } })
    await store.create(job)
    await store.appendEvents(job.id, [statusEvent(1, 'running'), ...textDeltas(2, ['partial '])], { epoch: 1 })
    await backend.run(async (ctx) => {
      const row = await ctx.db.query('leases').withIndex('by_job', q => q.eq('jobId', job.id)).unique()
      await ctx.db.patch(row!._id, { expiresAt: NOW - 1 })
    })
    const { lines, logger } = recordingLogger()
    const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
    const b = createEngineNode(backend, { instanceId: 'B', config, logger, chat: async () => {} })
    expect(await b.engine.recover()).toBe(1)
    expect(await store.getState(job.id)).toMatchObject({ status: 'failed', error: { code: 'owner-lost' } })
    expect(lines.filter(line => line.message === 'job ended')).toEqual([
      { level: 'warn', message: 'job ended', fields: { jobId: job.id, type: 'chat', status: 'failed', error: 'owner-lost', failedDuring: 'engine' } },
    ])
    await b.engine.dispose()
  })
})
