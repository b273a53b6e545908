/**
 * A streak log (a job's failing store writes, lease heartbeats, the cleanup pass, the app's
 * resolve-user hook) logged the first failure of a streak and nothing else until a success: when
 * the failure changed within the streak — the store, unreachable, came back refusing the writes —
 * the new error was never seen. Each new kind of failure in a streak is logged once now (with the
 * failures so far), up to FAILURE_KINDS_MAX kinds a streak; the same kind again is not.
 */
import { describe, expect, it } from 'vitest'
import { createFailureStreakLog } from '../../server/lib/failure-streak-log'
import { FAILURE_KINDS_MAX } from '../../server/lib/repeated-failure-log'
import { recordingLogger } from '../support/recording-logger'

describe('a failure streak', () => {
  it('logs each new kind of failure once, with the failures so far; a success ends the streak', () => {
    const { logger, lines } = recordingLogger()
    const streak = createFailureStreakLog({ logger, failed: 'provider write failed; will retry', recovered: 'provider write succeeded again', fields: { jobId: 'j1' } })
    streak.failed(Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:6379'), { code: 'ECONNREFUSED' }))
    streak.failed(Object.assign(new Error('connect ECONNREFUSED 10.0.0.8:6379'), { code: 'ECONNREFUSED' }))
    streak.failed(new Error('OOM command not allowed when used memory > \'maxmemory\''))
    streak.failed(new Error('OOM command not allowed when used memory > \'maxmemory\''))
    streak.succeeded()
    expect(lines).toEqual([
      { level: 'error', message: 'provider write failed; will retry', fields: { jobId: 'j1', error: expect.objectContaining({ code: 'ECONNREFUSED' }) } },
      { level: 'error', message: 'provider write failed; will retry', fields: { jobId: 'j1', failuresSoFar: 3, error: expect.objectContaining({ message: expect.stringContaining('OOM') }) } },
      { level: 'info', message: 'provider write succeeded again', fields: { jobId: 'j1', failures: 4 } },
    ])
    // A new streak logs its first failure again, whatever kinds the last one had.
    streak.failed(new Error('OOM command not allowed when used memory > \'maxmemory\''))
    expect(lines).toHaveLength(4)
  })

  it(`logs at most ${FAILURE_KINDS_MAX} kinds a streak`, () => {
    const { logger, lines } = recordingLogger()
    const streak = createFailureStreakLog({ logger, failed: 'cleanup failed', recovered: 'cleanup succeeded again', fields: {} })
    for (let kind = 0; kind < FAILURE_KINDS_MAX + 5; kind++) streak.failed(new Error(`failure kind ${String.fromCharCode(97 + kind)}`))
    expect(lines).toHaveLength(FAILURE_KINDS_MAX)
  })
})
