/**
 * A worker that dies after its call answered, under work the call left running (over the heap
 * cap, or a message to its parent that tinypool takes for a broken worker), took no call with it:
 * the answer is used. But it went unseen — no log line — while the same work that only runs long
 * is logged naming the tool and the job (leftovers.ts).
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { useIsolationPools } from '../support/isolation-pools'
import { recordingLogger } from '../support/recording-logger'

const context = { userId: 'u', jobId: 'job-late', threadId: null, step: 1 }

describe('a worker that dies after its call answered', () => {
  const pools = useIsolationPools()

  it('the answer is used, and a warning names the tool, the job and why the worker died', async () => {
    const { logger, lines } = recordingLogger()
    const isolation = pools.pool(resolveConfig({ isolation: { maxWorkers: 1, minWorkers: 1 } }), logger)
    const { result } = await isolation.run({ name: 'post_after', args: {}, context, timeoutMs: 60_000 }, new AbortController().signal)
    expect(result).toEqual({ answered: true })
    await expect.poll(() => lines.find(line => line.fields?.tool === 'post_after'), { timeout: 10_000, interval: 5 }).toMatchObject({
      level: 'warn',
      message: 'isolated tool "post_after" stopped its isolation worker after its call answered (Unexpected message on Worker: { progress: 100 }); its worker died (its answer was used; a new worker takes the next call)',
      fields: { tool: 'post_after', jobId: 'job-late' },
    })
    // The next call runs on a new worker.
    expect((await isolation.run({ name: 'echo', args: { text: 'next' }, context, timeoutMs: 60_000 }, new AbortController().signal)).result).toMatchObject({ text: 'next' })
  })
})
