/**
 * The engine's start tried again while the store cannot serve it (a wrong Convex deployment, a
 * Redis not up yet): every attempt logged an error line, one every 30 s for as long as nobody
 * fixed it — 2,880 identical lines a day per instance. Now the first failure is logged, then only
 * a failure that says something else, and one line once the engine started.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startWithRetry } from '../../server/lib/engine-startup'
import { StoreUnreachableError } from '../../server/lib/errors'
import { createStartupLog } from '../../server/lib/startup-log'
import { recordingLogger } from '../support/recording-logger'

const WRONG_DEPLOYMENT = 'the Convex deployment at https://x.convex.cloud (NUXT_BACKGROUND_JOBS_CONVEX_URL) does not have the layer\'s Convex functions'
const OLD_FUNCTIONS = 'the Convex deployment at https://x.convex.cloud (NUXT_BACKGROUND_JOBS_CONVEX_URL) has the layer\'s Convex functions at version 1'

describe('the engine startup\'s log', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('logs a failure once however often it is tried again, a different one once more, and the start', async () => {
    const { logger, lines } = recordingLogger()
    const log = createStartupLog(logger)
    const failures = [...Array.from({ length: 10 }, () => WRONG_DEPLOYMENT), OLD_FUNCTIONS, OLD_FUNCTIONS]
    let attempts = 0
    const startup = startWithRetry(async () => {
      const failure = failures[attempts++]
      if (failure) throw new StoreUnreachableError(failure)
      return 'engine'
    }, { provider: 'convex', isRetryable: error => error instanceof StoreUnreachableError, onFailure: log.failed, discard: () => {} })
    void startup.settled.then(engine => engine && log.started())
    // Ten attempts of the first failure: 1, 2, 4, 8, 16 s, then every 30 s.
    await vi.advanceTimersByTimeAsync(1_000 + 2_000 + 4_000 + 8_000 + 16_000 + 30_000 * 5)
    expect(attempts).toBe(11)
    await vi.advanceTimersByTimeAsync(30_000 * 2)
    expect(await startup.settled).toBe('engine')
    expect(lines.map(line => [line.level, line.message, (line.fields?.error as Error | undefined)?.message ?? line.fields?.failures])).toEqual([
      ['error', 'engine failed to start; trying again in 1000 ms (the same failure again is not logged)', WRONG_DEPLOYMENT],
      ['error', 'engine failed to start; trying again in 30000 ms (the same failure again is not logged)', OLD_FUNCTIONS],
      ['info', 'engine started after 12 failed attempts', 12],
    ])
  })

  it('logs a final failure, even the same as the last one logged', () => {
    const { logger, lines } = recordingLogger()
    const log = createStartupLog(logger)
    const error = new Error('Cannot find package \'redis\'')
    log.failed(error, 1_000)
    log.failed(error, null)
    expect(lines.map(line => line.message)).toEqual([
      'engine failed to start; trying again in 1000 ms (the same failure again is not logged)',
      'engine failed to start',
    ])
  })

  it('says nothing more when the engine started at the first attempt', () => {
    const { logger, lines } = recordingLogger()
    createStartupLog(logger).started()
    expect(lines).toEqual([])
  })
})
