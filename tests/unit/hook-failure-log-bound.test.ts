/**
 * A job hook called at every model round (`upstream-request`) that fails on every call — the app's
 * vault down — logged one line per round of every job: an outage buried the log. Now its first
 * failure is logged whole, the next ones are counted, and one line a minute later gives their
 * number, the last error and the jobs they were for (bounded); at shutdown, what was counted so far.
 * `job-ended` (once per job, each line a job whose answer the app did not store) is still logged
 * at every failure.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HOOK_FAILURE_JOB_IDS_MAX, HOOK_FAILURE_WINDOW_MS } from '../../server/lib/hook-failure-log'
import { createTestEngine, preparingRounds, runChatJobsInTurn } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'

const ROUNDS = 5
const UPSTREAM_FAILED = 'hook background-jobs:upstream-request failed'

/** An engine whose chats prepare `ROUNDS` model requests, with hooks that always throw. */
function engineWithFailingHooks() {
  const { logger, lines } = recordingLogger()
  const { engine } = createTestEngine({
    logger,
    runners: { chat: preparingRounds(ROUNDS) },
    hooks: {
      upstreamRequest: () => {
        throw new Error('vault down')
      },
      jobEnded: () => {
        throw new Error('database down')
      },
    },
  })
  const hookLines = () => lines.filter(line => line.message.startsWith('hook '))
  return { engine, hookLines }
}


describe('a job hook that fails at every round', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is logged once, then counted in one line a minute later naming the jobs; job-ended at every failure', async () => {
    const { engine, hookLines } = engineWithFailingHooks()
    const ids = await runChatJobsInTurn(engine, 4)
    const upstream = () => hookLines().filter(line => line.message.startsWith('hook background-jobs:upstream-request'))
    expect(upstream()).toEqual([{ level: 'error', message: UPSTREAM_FAILED, fields: { jobId: ids[0], error: new Error('vault down') } }])
    expect(hookLines().filter(line => line.message === 'hook background-jobs:job-ended failed').map(line => line.fields?.jobId)).toEqual(ids)
    await vi.advanceTimersByTimeAsync(HOOK_FAILURE_WINDOW_MS)
    expect(upstream()).toHaveLength(2)
    expect(upstream()[1]).toEqual({
      level: 'error',
      message: `hook background-jobs:upstream-request failed ${4 * ROUNDS - 1} more times after the failure logged before (not logged one by one; the last error is shown)`,
      fields: { failures: 4 * ROUNDS - 1, jobIds: ids, error: new Error('vault down') },
    })
    // After the count line, the next failure is logged whole again.
    const [next] = await runChatJobsInTurn(engine, 1)
    expect(upstream().slice(2)).toEqual([{ level: 'error', message: UPSTREAM_FAILED, fields: { jobId: next, error: new Error('vault down') } }])
    // Shutdown: what was counted so far is logged, and no timer is left.
    await engine.dispose()
    expect(upstream()[3]).toMatchObject({ fields: { failures: ROUNDS - 1, jobIds: [next] } })
    expect(engine.stats().engineTimers).toBe(0)
  })

  it('names at most HOOK_FAILURE_JOB_IDS_MAX jobs in the count line and counts the failures of the others', async () => {
    const { engine, hookLines } = engineWithFailingHooks()
    const extra = 3
    const ids = await runChatJobsInTurn(engine, HOOK_FAILURE_JOB_IDS_MAX + extra)
    await vi.advanceTimersByTimeAsync(HOOK_FAILURE_WINDOW_MS)
    const count = hookLines().filter(line => line.message.startsWith('hook background-jobs:upstream-request')).at(-1)!
    // The first job's first round was logged whole; its next rounds are the first counted.
    expect(count.fields).toMatchObject({ failures: (HOOK_FAILURE_JOB_IDS_MAX + extra) * ROUNDS - 1, jobIds: ids.slice(0, HOOK_FAILURE_JOB_IDS_MAX), otherJobFailures: extra * ROUNDS })
    await engine.dispose()
  })
})
