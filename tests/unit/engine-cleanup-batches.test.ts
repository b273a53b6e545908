/**
 * Retention cleanup deletes in bounded batches: a thousand jobs expiring together are deleted by
 * several provider calls of at most `CLEANUP_BATCH_SIZE` (one Redis script each), never one call
 * for all of them, and every one of them is gone afterwards.
 */
import { describe, expect, it } from 'vitest'
import { CLEANUP_BATCH_SIZE } from '../../server/lib/engine'
import type { JobProvider } from '../../server/lib/providers/types'
import { chatRequest, createTestEngine } from '../support/engine-harness'

const JOBS = 1_000

describe('retention cleanup', () => {
  it(`deletes ${JOBS} expired jobs in batches of at most ${CLEANUP_BATCH_SIZE}`, async () => {
    const limits: Array<number | undefined> = []
    let held: JobProvider | null = null
    const { engine } = createTestEngine({
      config: { limits: { retentionMs: 1, maxConcurrentJobsPerUser: JOBS, createPerMinute: 0 } },
      runners: { async chat(context) {
        context.text('done')
      } },
      wrap(provider) {
        held = provider
        return { ...provider, deleteExpired: (endedBefore, limit) => {
          limits.push(limit)
          return provider.deleteExpired(endedBefore, limit)
        } }
      },
    })
    const ids: string[] = []
    for (let index = 0; index < JOBS; index++) {
      const { job } = await engine.createJob('u1', { request: chatRequest })
      ids.push(job.id)
    }
    for (const id of ids) await engine.whenSettled(id)
    await new Promise(resolve => setTimeout(resolve, 5))
    expect(await engine.cleanup()).toBe(JOBS)
    expect(limits.length).toBeGreaterThanOrEqual(JOBS / CLEANUP_BATCH_SIZE)
    for (const limit of limits) expect(limit).toBeLessThanOrEqual(CLEANUP_BATCH_SIZE)
    for (const id of ids) expect(await held!.get(id)).toBeNull()
    await engine.dispose()
  })
})
