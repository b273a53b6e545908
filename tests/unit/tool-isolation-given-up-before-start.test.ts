/**
 * A call's wait for a worker (`isolation.queueTimeoutMs`) can pass just after tinypool handed it to
 * a worker that has not started it yet (the worker marks its start in the call's gate). The server
 * then gives the call up — the worker will answer it "not run" — but aborting tinypool's task
 * terminated that worker, healthy and about to be free: its warm state lost, a new thread started,
 * `isolated_calls_stopped_total` counting a stop. The pool now gives tinypool a call only when a
 * worker is free (its own queue in front), so a call given up while waiting is only taken out of
 * that queue, and one given up once handed over is left to its worker, which answers it at once.
 * Real worker threads.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { CancelStart } from '../../server/lib/executor/run-with-deadline'
import { useMetrics } from '../../server/lib/metrics'
import { useIsolationPools } from '../support/isolation-pools'

const pools = useIsolationPools()
const markers = mkdtempSync(join(tmpdir(), 'bgjobs-isolation-given-up-'))
afterAll(() => rmSync(markers, { recursive: true, force: true }))
const context = { userId: 'u', jobId: 'j', threadId: null, step: 1 }
const stopped = () => useMetrics().snapshot().counters['isolated_calls_stopped_total{reason="signal"}'] ?? 0

it('a call given up after its worker took it, before the worker started it, stops no worker', async () => {
  const isolation = pools.pool(resolveConfig({ isolation: { maxWorkers: 1, minWorkers: 1 } }))
  const threadOf = async () => ((await isolation.run({ name: 'thread_id', args: {}, context, timeoutMs: 60_000 }, new AbortController().signal)).result as { threadId: number }).threadId
  const first = await threadOf()
  const before = stopped()
  const marker = join(markers, 'handed')
  const release = join(markers, 'release')
  const wait = new AbortController()
  let started = false
  let cancel: CancelStart | undefined
  const call = isolation.run({ name: 'held_until', args: { marker, release }, context, timeoutMs: 60_000 }, wait.signal, () => {
    started = true
  }, (cancelStart) => {
    cancel = cancelStart
  }).catch((error: unknown) => error)
  // The worker has the task and has not started it.
  await expect.poll(() => existsSync(marker), { timeout: 10_000, interval: 5 }).toBe(true)
  // As run-with-deadline.ts does when the wait passes: the start is cancelled (it never will), then the signal fires.
  expect(cancel!()).toBe(true)
  wait.abort(new Error('not started within 5000 ms'))
  expect(await call).toMatchObject({ message: 'not started within 5000 ms' })
  writeFileSync(release, 'go')
  // The same worker takes the next call; nothing was stopped.
  expect(await threadOf()).toBe(first)
  expect({ started, stopped: stopped() - before }).toEqual({ started: false, stopped: 0 })
  expect(isolation.stats()).toEqual({ workers: 1, calls: 0, waiting: 0 })
})

it('a call given up while it waits behind a busy worker is taken out of the queue: the next call runs as soon as the worker is free', async () => {
  const isolation = pools.pool(resolveConfig({ isolation: { maxWorkers: 1, minWorkers: 1, maxQueue: 1 } }))
  const signal = new AbortController().signal
  let busy = false
  const holding = isolation.run({ name: 'wait', args: { ms: 300 }, context, timeoutMs: 60_000 }, signal, () => (busy = true))
  await expect.poll(() => busy, { timeout: 10_000, interval: 5 }).toBe(true)
  const wait = new AbortController()
  const given = isolation.run({ name: 'echo', args: { text: 'given up' }, context, timeoutMs: 60_000 }, wait.signal).catch((error: unknown) => error)
  wait.abort(new Error('not started within 5000 ms'))
  expect(await given).toMatchObject({ message: 'not started within 5000 ms' })
  // Its place is free again (maxQueue 1), and the worker runs the next call, not the given-up one.
  const next = isolation.run({ name: 'echo', args: { text: 'next' }, context, timeoutMs: 60_000 }, signal)
  expect((await holding).result).toMatchObject({ waited: 300 })
  expect((await next).result).toMatchObject({ text: 'next' })
  expect(isolation.stats()).toEqual({ workers: 1, calls: 0, waiting: 0 })
})
