/**
 * An interval a call left running (it does not hold its worker: leftovers.ts) that allocates
 * without bound kills its worker over the heap cap during a later call, of another tool or job.
 * V8 cannot say which code allocated; the later call failed "it used more memory than its heap
 * limit", blaming a tool that did nothing wrong. Its error now names the tool whose call left the
 * timers running in that worker.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { useIsolationPools } from '../support/isolation-pools'

const pools = useIsolationPools()
const markers = mkdtempSync(join(tmpdir(), 'bgjobs-isolation-leftover-heap-'))
afterAll(() => rmSync(markers, { recursive: true, force: true }))
const context = { userId: 'u', jobId: 'j', threadId: null, step: 1 }

it('a worker killed over its heap cap by an earlier call\'s leftover interval: the later call\'s error names that tool', async () => {
  const isolation = pools.pool(resolveConfig({ isolation: { maxWorkers: 1, minWorkers: 1, heapMb: 32 } }))
  const marker = join(markers, 'allocate')
  const signal = new AbortController().signal
  expect((await isolation.run({ name: 'leak_later', args: { marker }, context, timeoutMs: 60_000 }, signal)).result).toEqual({ answered: true })
  // The same worker takes the next call (one worker); once it runs, the interval starts allocating.
  const innocent = isolation.run({ name: 'wait', args: { ms: 60_000 }, context, timeoutMs: 120_000 }, signal, () => writeFileSync(marker, 'go'))
  await expect(innocent).rejects.toThrow('Tool "wait" was stopped: its isolation worker used more memory than its heap limit of 32 MB (isolation.heapMb), maybe not for this call: an interval or unref\'d timer that an earlier call of "leak_later" left running there was still running')
})
