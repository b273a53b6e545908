/**
 * A call tinypool has handed to a worker whose thread has not started it yet (it is busy: still
 * loading the worker entry, or running something else) is not in the queue any more. Aborting it
 * no longer terminates that worker at once — a worker about to start it answers it "not run"
 * (tool-isolation-given-up-before-start.test.ts) — but a worker that does not take it within
 * `RELEASE_TIMEOUT_MS` is stuck: it is replaced then, and counted in
 * isolated_calls_stopped_total{reason="signal"} (docs/metrics.md: calls whose worker was stopped).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { useMetrics } from '../../server/lib/metrics'
import { useIsolationPools } from '../support/isolation-pools'
import { recordingLogger } from '../support/recording-logger'

const pools = useIsolationPools()
const markers = mkdtempSync(join(tmpdir(), 'bgjobs-isolation-handed-'))
afterAll(() => rmSync(markers, { recursive: true, force: true }))

it('aborting a call handed to a worker that does not start it stops that worker once its release time is over, and counts it', async () => {
  const { logger, lines } = recordingLogger()
  const isolation = pools.pool(resolveConfig({ isolation: { maxWorkers: 1, minWorkers: 1 } }), logger)
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
  await expect.poll(() => stopped(), { timeout: 10_000, interval: 5 }).toBe(before + 1)
  expect(lines).toEqual([{ level: 'warn', message: 'isolated tool "held_start" was given up before its worker started it, and that worker did not take it; its worker was replaced (not back within 1000 ms)', fields: { tool: 'held_start', jobId: 'j' } }])
  // The spinning worker was terminated: the next call runs (one worker at most).
  expect((await isolation.run({ name: 'echo', args: { text: 'after' }, context, timeoutMs: 120_000 }, new AbortController().signal)).result).toMatchObject({ text: 'after' })
})
