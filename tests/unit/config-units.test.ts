/**
 * A time written in seconds where the setting is in milliseconds
 * (`NUXT_BACKGROUND_JOBS_LIMITS_JOB_TIMEOUT_MS=600` for ten minutes) is a valid value: every job
 * then ended as a `timeout` after 0.6 s, and nothing said why. The boot warns about a setting whose
 * default is 10 s or more set under a second, naming its variable and the value meant.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { configWarnings } from '../../server/lib/config-validate'

describe('a time setting probably written in seconds', () => {
  it('is warned about at boot, naming the variable and the value in milliseconds', () => {
    const warnings = configWarnings(resolveConfig({ limits: { jobTimeoutMs: 600, inputTimeoutMs: 300 }, upstream: { stallTimeoutMs: 30 } }))
    expect(warnings).toEqual([
      'backgroundJobs.upstream.stallTimeoutMs (NUXT_BACKGROUND_JOBS_UPSTREAM_STALL_TIMEOUT_MS) is 30 ms, under a second (its default is 30000 ms): the value is in milliseconds; if you meant 30 seconds, set 30000',
      'backgroundJobs.limits.jobTimeoutMs (NUXT_BACKGROUND_JOBS_LIMITS_JOB_TIMEOUT_MS) is 600 ms, under a second (its default is 600000 ms): the value is in milliseconds; if you meant 600 seconds, set 600000',
      'backgroundJobs.limits.inputTimeoutMs (NUXT_BACKGROUND_JOBS_LIMITS_INPUT_TIMEOUT_MS) is 300 ms, under a second (its default is 300000 ms): the value is in milliseconds; if you meant 300 seconds, set 300000',
    ])
  })

  it('says nothing about a second or more, nor about settings that are short by default', () => {
    expect(configWarnings(resolveConfig({ limits: { jobTimeoutMs: 1_000, toolTimeoutMs: 1_000, inputTimeoutMs: 999 } })).filter(warning => /under a second/.test(warning))).toEqual([
      expect.stringMatching(/^backgroundJobs\.limits\.inputTimeoutMs /),
    ])
    expect(configWarnings(resolveConfig({ stream: { batchWindowMs: 10 }, upstream: { retryBaseDelayMs: 100 }, scripted: { chunkIntervalMs: 5 }, persist: { intervalMs: 200 } }))).toEqual([])
    expect(configWarnings(resolveConfig({}))).toEqual([])
  })
})

describe('a time setting written in seconds that are a thousand or more', () => {
  it('is warned about under the setting\'s smallest sensible value: an hour of retention, two hours of job, an hour to answer', () => {
    const warnings = configWarnings(resolveConfig({ limits: { retentionMs: 3_600, jobTimeoutMs: 7_200, inputTimeoutMs: 3_600 } }))
    expect(warnings).toEqual([
      'backgroundJobs.limits.jobTimeoutMs (NUXT_BACKGROUND_JOBS_LIMITS_JOB_TIMEOUT_MS) is 7200 ms, under 10 seconds (its default is 600000 ms): the value is in milliseconds; if you meant 7200 seconds, set 7200000',
      'backgroundJobs.limits.inputTimeoutMs (NUXT_BACKGROUND_JOBS_LIMITS_INPUT_TIMEOUT_MS) is 3600 ms, under 10 seconds (its default is 300000 ms): the value is in milliseconds; if you meant 3600 seconds, set 3600000',
      'backgroundJobs.limits.retentionMs (NUXT_BACKGROUND_JOBS_LIMITS_RETENTION_MS) is 3600 ms, under 5 minutes (its default is 3600000 ms): the value is in milliseconds; if you meant 3600 seconds, set 3600000',
    ])
  })

  it('says nothing at or above that value', () => {
    // The limits that run inside the job's time are set to fit in it (config-within-job-time.test.ts).
    const fitting = { upstream: { firstTokenTimeoutMs: 15_000, stallTimeoutMs: 15_000 }, isolation: { queueTimeoutMs: 15_000 } }
    expect(configWarnings(resolveConfig({ ...fitting, limits: { retentionMs: 300_000, jobTimeoutMs: 20_000, inputTimeoutMs: 10_000, toolTimeoutMs: 1_000, nodeTimeoutMs: 15_000 } }))).toEqual([])
  })
})
