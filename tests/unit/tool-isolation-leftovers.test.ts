/**
 * Work an isolated call leaves running after it answered (a timer that spins, an endless promise
 * chain) in real worker threads: the call's answer stands, and the next call — another job's,
 * on the only worker — never waits behind that work nor times out for it: the worker is handed
 * back only once the call's leftovers are done, else it is replaced first. Calls that leave
 * nothing, or a short harmless timer, keep their warm worker. No wall-clock asserts: outcomes and
 * thread ids only (a timeout would be the innocent call's outcome).
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { LEFTOVER_WAIT_MS } from '../../server/lib/isolation/leftovers'
import type { Logger } from '../../server/lib/logger'
import { useIsolationPools } from '../support/isolation-pools'

const pools = useIsolationPools()

/**
 * How long a worker may take to come back after its call answered, for the runs whose worker never
 * does (a leftover holds its thread for good; the pool's watchdog replaces it): the default
 * (RELEASE_TIMEOUT_MS, 1 s) let each of them spin a core that long. It stays past the
 * `LEFTOVER_WAIT_MS` a worker waits for its leftovers' timers, so the worker is replaced the same way.
 */
const STUCK_RELEASE_MS = 3 * LEFTOVER_WAIT_MS

/** A fake run on a fresh pool of one worker; its calls get 5 s each (ample for any of them). */
function isolatedRun(releaseTimeoutMs?: number) {
  const config = resolveConfig({ tools: { isolated: 'leave_work,thread_id,wait' }, limits: { toolTimeoutMs: 5_000 }, isolation: { maxWorkers: 1, minWorkers: 1 } })
  const logged: Array<{ level: string, message: string }> = []
  const logger: Logger = {
    info: message => logged.push({ level: 'info', message }),
    warn: message => logged.push({ level: 'warn', message }),
    error: message => logged.push({ level: 'error', message }),
  }
  const fake = pools.run(config, logger, releaseTimeoutMs)
  let calls = 0
  const call = (name: string, args: unknown = {}) => executeToolCall(fake.context, { id: `call-${++calls}`, name, args, step: 1 })
  const threadOf = async (name: string, args: unknown = {}) => {
    const outcome = await call(name, args)
    expect(outcome).toMatchObject({ status: 'completed' })
    return (outcome.result as { threadId: number }).threadId
  }
  return { isolation: fake.isolation, logged, call, threadOf }
}

describe('work a call leaves behind in its isolation worker', () => {
  it.each([
    ['a spin from a 0 ms timer', { how: 'spin', delayMs: 0 }],
    ['a spin from a 10 ms timer', { how: 'spin', delayMs: 10 }],
    ['an endless promise chain', { how: 'chain' }],
  ])('%s: the call still completes, the next call runs on a fresh worker and completes', async (_, args) => {
    const run = isolatedRun(STUCK_RELEASE_MS)
    const culprit = await run.threadOf('leave_work', args)
    // The (only) worker is busy with the leftover for good: this call can only run on its replacement.
    expect(await run.threadOf('wait', { ms: 50 })).not.toBe(culprit)
    expect(run.logged).toContainEqual({ level: 'warn', message: expect.stringContaining('isolated tool "leave_work" left work running after its call answered') })
    expect(run.isolation.stats().calls).toBe(0)
  })

  it('a timer due later than the worker waits for: the worker is replaced before another call runs there', async () => {
    const run = isolatedRun()
    const culprit = await run.threadOf('leave_work', { how: 'spin', delayMs: 400 })
    // Still running when the leftover would spin, had it stayed in the same worker.
    expect(await run.threadOf('wait', { ms: 800 })).not.toBe(culprit)
  })

  it('calls that leave nothing, or a short harmless timer, keep their warm worker', async () => {
    const run = isolatedRun()
    const first = await run.threadOf('thread_id')
    expect(await run.threadOf('leave_work', { how: 'harmless', delayMs: 5 })).toBe(first)
    expect(await run.threadOf('thread_id')).toBe(first)
    expect(await run.threadOf('wait', { ms: 1 })).toBe(first)
    expect(run.logged).toEqual([])
  })
})
