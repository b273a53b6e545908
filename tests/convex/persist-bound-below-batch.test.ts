/**
 * `persist.maxPendingBytes` below `persist.bytes`. With Redis or Convex the write-behind queue
 * holds a running job's text until `persist.bytes` are pending (or the provider's pace: Convex
 * every 500 ms), while `persist.maxPendingBytes` is the most that may wait before the job is
 * stopped as `store-unreachable`. A bound below the batch the queue builds on purpose stopped
 * healthy jobs on a healthy store, blaming the store ("The job store did not take this job's
 * events"), and the boot accepted it. It is now a boot error naming both variables.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'
import { chatRequest } from '../support/engine-harness'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const shared = { cookieSecret: 'x'.repeat(32), convexUrl: 'https://x.convex.cloud', convexSecret: 's'.repeat(32), redisUrl: 'redis://127.0.0.1:6379' }

describe('persist.maxPendingBytes below persist.bytes', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('stopped a healthy job on a healthy store as store-unreachable (why it is refused)', async () => {
    const node = createEngineNode(createBackend(), {
      instanceId: 'A',
      config: resolveConfig({ scripted: { enabled: true }, persist: { maxPendingBytes: 512 } }),
      // About 1 KB/s of text, as a model streams it: under Convex's 500 ms pace, 600 bytes wait.
      chat: async (context) => {
        for (let index = 0; index < 50; index++) {
          context.text('hello world, some text ')
          await new Promise(resolve => setTimeout(resolve, 20))
        }
      },
    })
    const { job } = await node.engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(2_000)
    await node.engine.whenSettled(job.id)
    expect((await node.engine.getJob('u1', job.id)).state.error?.code).toBe('store-unreachable')
    const disposing = node.engine.dispose()
    await vi.advanceTimersByTimeAsync(30_000)
    await disposing
  })

  it.each(['redis', 'convex'] as const)('is a boot error naming both variables with the provider %s', (provider) => {
    const problems = configProblems(resolveConfig({ ...shared, provider, persist: { maxPendingBytes: 512 } }))
    expect(problems).toEqual([expect.stringContaining('backgroundJobs.persist.maxPendingBytes (NUXT_BACKGROUND_JOBS_PERSIST_MAX_PENDING_BYTES) (512) must be at least backgroundJobs.persist.bytes (NUXT_BACKGROUND_JOBS_PERSIST_BYTES) (1024)')])
  })

  it.each<[string, BackgroundJobsConfigInput]>([
    ['equal to persist.bytes', { ...shared, provider: 'redis', persist: { maxPendingBytes: 1024 } }],
    ['the memory provider, which writes every event at once', { persist: { maxPendingBytes: 512 } }],
  ])('is fine %s', (_case, input) => {
    expect(configProblems(resolveConfig(input))).toEqual([])
  })
})
