/**
 * The failures of a hook called at every round (`upstream-request`) were counted per hook: after
 * its first failure, every other one within the minute was only counted — also a different error
 * (a TypeError from a bad deploy of the hook while its vault was down), whose text appeared nowhere
 * but as "the last error" of a count line, if it happened to be last. A tool's failures are told
 * apart by kind (failure-kind.ts) since tool-failure-log-kinds; a hook's now are too: a new kind
 * is logged whole and counted on its own. A late failure after a timeout stays part of its
 * timeout's count (hook-late-failure-log), whatever its kind.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HOOK_FAILURE_WINDOW_MS } from '../../server/lib/hook-failure-log'
import { createTestEngine, preparingRounds, runChatJobsInTurn } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'

const ROUNDS = 3
const FAILED = 'hook background-jobs:upstream-request failed'
const COUNTED = (failures: number) => `hook background-jobs:upstream-request failed ${failures} more times after the failure logged before (not logged one by one; the last error is shown)`

describe('an upstream-request hook failing in two ways', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('logs each kind whole once, then counts each on its own', async () => {
    const { logger, lines } = recordingLogger()
    let calls = 0
    const { engine } = createTestEngine({
      logger,
      runners: { chat: preparingRounds(ROUNDS) },
      hooks: {
        // The first job's rounds: the vault is down (one kind: the host's numbers fold); the second's: a bug.
        upstreamRequest: () => {
          calls++
          if (calls <= ROUNDS) throw Object.assign(new Error(`connect ECONNREFUSED 10.0.0.${calls}:8200`), { code: 'ECONNREFUSED' })
          throw new TypeError('Cannot read properties of undefined (reading \'token\')')
        },
      },
    })
    const ids = await runChatJobsInTurn(engine, 2)
    const hookLines = () => lines.filter(line => line.message.startsWith('hook background-jobs:upstream-request'))
    expect(hookLines()).toEqual([
      { level: 'error', message: FAILED, fields: { jobId: ids[0], error: expect.objectContaining({ code: 'ECONNREFUSED' }) } },
      { level: 'error', message: FAILED, fields: { jobId: ids[1], error: expect.any(TypeError) } },
    ])
    await vi.advanceTimersByTimeAsync(HOOK_FAILURE_WINDOW_MS)
    expect(hookLines().slice(2)).toEqual([
      { level: 'error', message: COUNTED(ROUNDS - 1), fields: { failures: ROUNDS - 1, jobIds: [ids[0]], error: expect.objectContaining({ message: 'connect ECONNREFUSED 10.0.0.3:8200' }) } },
      { level: 'error', message: COUNTED(ROUNDS - 1), fields: { failures: ROUNDS - 1, jobIds: [ids[1]], error: expect.any(TypeError) } },
    ])
    await engine.dispose()
    expect(engine.stats().engineTimers).toBe(0)
  })
})
