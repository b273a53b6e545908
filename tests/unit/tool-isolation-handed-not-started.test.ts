/**
 * A call tinypool has handed to a worker whose thread has not started it yet (it is busy: still
 * loading the worker entry, or running something else) is not in the queue any more: aborting it
 * terminates that worker. isolated_calls_stopped_total{reason="signal"} counts calls whose worker
 * was stopped (docs/ops.md); this one was not counted, as if it had been taken out of the queue.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { useMetrics } from '../../server/lib/metrics'
import { useIsolationPools } from '../support/isolation-pools'

const pools = useIsolationPools()
const markers = mkdtempSync(join(tmpdir(), 'bgjobs-isolation-handed-'))
afterAll(() => rmSync(markers, { recursive: true, force: true }))

it('aborting a call handed to a worker that has not started it stops that worker, and counts it', async () => {
  const isolation = pools.pool(resolveConfig({ isolation: { maxWorkers: 1, minWorkers: 1 } }))
  const stopped = () => useMetrics().snapshot().counters['isolated_calls_stopped_total{reason="signal"}'] ?? 0
  const before = stopped()
  const context = { userId: 'u', jobId: 'j', threadId: null, step: 1 }
  const marker = join(markers, 'held')
  const job = new AbortController()
  let started = false
  const held = isolation.run({ name: 'held_start', args: { marker }, context, timeoutMs: 120_000 }, job.signal, () => {
    started = true
  }).catch((error: unknown) => error)
  // The worker has the task (its entry wrote the marker) and spins before the layer's handler.
  await expect.poll(() => existsSync(marker), { timeout: 10_000, interval: 5 }).toBe(true)
  job.abort(new Error('job aborted'))
  expect(await held).toMatchObject({ message: 'job aborted' })
  expect(started).toBe(false)
  expect(stopped()).toBe(before + 1)
  // The spinning worker was terminated: the next call runs (one worker at most).
  expect((await isolation.run({ name: 'echo', args: { text: 'after' }, context, timeoutMs: 120_000 }, new AbortController().signal)).result).toMatchObject({ text: 'after' })
})
