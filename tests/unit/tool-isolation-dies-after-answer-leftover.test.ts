/**
 * A worker lost after a call answered (stuck past its release time, or dead over its heap cap)
 * while an interval an earlier call — of another tool — left running there ran: the warning named
 * only the call that had just answered (`isolated tool "arm_and_answer" left work running after its
 * call answered`), and an operator looked for a fault in a tool that has none. The worker marks in
 * the call's gate while such a leftover runs, until the call's own leftovers are done
 * (leftovers.ts); the warning now names the tool that left it. Real worker threads.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { useIsolationPools } from '../support/isolation-pools'
import { recordingLogger } from '../support/recording-logger'

const pools = useIsolationPools()
const markers = mkdtempSync(join(tmpdir(), 'bgjobs-isolation-dies-after-answer-'))
afterAll(() => rmSync(markers, { recursive: true, force: true }))
const context = { userId: 'u', jobId: 'job-late', threadId: null, step: 1 }

/** `spin_later` leaves its interval; `arm_and_answer` (same worker) answers, then waits for its own timer while the interval runs. */
async function answerThenLeftover(allocate: boolean) {
  const { logger, lines } = recordingLogger()
  // Filling the heap took a loaded machine's worker over the 1 s release time, and the watchdog
  // replaced it as stuck first: the heap case gives it a minute, so only the heap cap can end it.
  const isolation = pools.pool(resolveConfig({ isolation: { maxWorkers: 1, minWorkers: 1, heapMb: 32 } }), logger, allocate ? 60_000 : undefined)
  const marker = join(markers, allocate ? 'allocate' : 'spin')
  const signal = new AbortController().signal
  expect((await isolation.run({ name: 'spin_later', args: { marker, allocate }, context, timeoutMs: 60_000 }, signal)).result).toEqual({ answered: true })
  expect((await isolation.run({ name: 'arm_and_answer', args: { marker }, context, timeoutMs: 60_000 }, signal)).result).toEqual({ answered: true })
  await expect.poll(() => lines.find(line => line.fields?.tool === 'arm_and_answer'), { timeout: 10_000, interval: 5 }).toBeDefined()
  return lines.find(line => line.fields?.tool === 'arm_and_answer')
}

it('its worker stuck in that leftover after the call answered: the warning names the tool that left it', async () => {
  expect(await answerThenLeftover(false)).toMatchObject({
    level: 'warn',
    message: 'isolated tool "arm_and_answer" answered, then its worker ran an interval or timer that an earlier call of "spin_later" left running there; its worker was replaced (not back within 1000 ms)',
    fields: { tool: 'arm_and_answer', jobId: 'job-late', leftoverOf: 'spin_later' },
  })
})

it('its worker killed over its heap cap by that leftover after the call answered: the warning names the tool that left it', async () => {
  expect(await answerThenLeftover(true)).toMatchObject({
    level: 'warn',
    message: 'isolated tool "arm_and_answer" used more memory than its heap limit of 32 MB (isolation.heapMb) after its call answered, while an interval or timer that an earlier call of "spin_later" left running there ran; its worker died (its answer was used; a new worker takes the next call)',
    fields: { tool: 'arm_and_answer', jobId: 'job-late', leftoverOf: 'spin_later' },
  })
})
