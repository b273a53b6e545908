/**
 * A time or size written with a unit in its variable (`LIMITS_JOB_TIMEOUT_MS=10m`) stopped the boot
 * with `must be a number, got "10m"`: it did not say the setting is in milliseconds, nor what to
 * write. The error now names the setting's unit and, for a number with a unit, the value meant.
 */
import { applyEnv } from 'nitropack/runtime/internal/utils.env'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG, resolveConfig } from '../../server/lib/config'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'

const touched: string[] = []
/** The problems of the runtime config Nitro builds from these variables. */
function problemsOf(env: Record<string, string>): string[] {
  for (const [name, value] of Object.entries(env)) {
    process.env[name] = value
    touched.push(name)
  }
  const input = applyEnv({ backgroundJobs: structuredClone(DEFAULT_CONFIG) }, { prefix: 'NUXT_', altPrefix: 'NUXT_', envExpansion: false }).backgroundJobs as BackgroundJobsConfigInput
  return configProblems(resolveConfig(input, process.env), { input })
}
afterEach(() => {
  for (const name of touched.splice(0)) delete process.env[name]
})

describe('a number setting given a unit', () => {
  it('names the unit the setting is in and the number meant', () => {
    expect(problemsOf({
      NUXT_BACKGROUND_JOBS_LIMITS_JOB_TIMEOUT_MS: '1.5h',
      NUXT_BACKGROUND_JOBS_STREAM_HEARTBEAT_MS: '15 s',
      NUXT_BACKGROUND_JOBS_LIMITS_MAX_BODY_BYTES: '512KB',
      NUXT_BACKGROUND_JOBS_LIMITS_RETRY_AFTER_SECONDS: '1m',
      NUXT_BACKGROUND_JOBS_ISOLATION_HEAP_MB: '1gb',
    })).toEqual([
      'backgroundJobs.isolation.heapMb (NUXT_BACKGROUND_JOBS_ISOLATION_HEAP_MB) must be a number, got "1gb": a whole number of megabytes (MiB); if you meant 1 GiB, set 1024 (accepted: a whole number, 16 or more)',
      'backgroundJobs.limits.retryAfterSeconds (NUXT_BACKGROUND_JOBS_LIMITS_RETRY_AFTER_SECONDS) must be a number, got "1m": a whole number of seconds; if you meant 1 minute, set 60 (accepted: a whole number, 0 or more)',
      'backgroundJobs.limits.jobTimeoutMs (NUXT_BACKGROUND_JOBS_LIMITS_JOB_TIMEOUT_MS) must be a number, got "1.5h": a whole number of milliseconds; if you meant 1.5 hours, set 5400000 (accepted: a whole number from 1 to 2147483647)',
      'backgroundJobs.limits.maxBodyBytes (NUXT_BACKGROUND_JOBS_LIMITS_MAX_BODY_BYTES) must be a number, got "512KB": a whole number of bytes; if you meant 512 KiB, set 524288 (accepted: a whole number, 1 or more)',
      'backgroundJobs.stream.heartbeatMs (NUXT_BACKGROUND_JOBS_STREAM_HEARTBEAT_MS) must be a number, got "15 s": a whole number of milliseconds; if you meant 15 seconds, set 15000 (accepted: a whole number from 1 to 2147483647)',
    ])
  })

  it('names the unit alone for another word, and nothing more for a count', () => {
    expect(problemsOf({ NUXT_BACKGROUND_JOBS_LIMITS_TOOL_TIMEOUT_MS: 'soon', NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS: '10x' })).toEqual([
      'backgroundJobs.limits.toolTimeoutMs (NUXT_BACKGROUND_JOBS_LIMITS_TOOL_TIMEOUT_MS) must be a number, got "soon": a whole number of milliseconds (accepted: a whole number from 1 to 2147483647)',
      'backgroundJobs.limits.maxSteps (NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS) must be a number, got "10x" (accepted: a whole number, 1 or more)',
    ])
  })

  it('for a time longer than a timer can wait, says the most it can be rather than a value the next boot refuses', () => {
    expect(problemsOf({ NUXT_BACKGROUND_JOBS_LIMITS_JOB_TIMEOUT_MS: '30d', NUXT_BACKGROUND_JOBS_LIMITS_RETENTION_MS: '30d' })).toEqual([
      'backgroundJobs.limits.jobTimeoutMs (NUXT_BACKGROUND_JOBS_LIMITS_JOB_TIMEOUT_MS) must be a number, got "30d": a whole number of milliseconds; 30 days is longer than this setting can be: at most 2147483647 (about 24.8 days, the longest a Node timer waits) (accepted: a whole number from 1 to 2147483647)',
      // The retention is no timer: any length.
      'backgroundJobs.limits.retentionMs (NUXT_BACKGROUND_JOBS_LIMITS_RETENTION_MS) must be a number, got "30d": a whole number of milliseconds; if you meant 30 days, set 2592000000 (accepted: a whole number, 1 or more)',
    ])
  })

  it('never echoes a long value, even one shaped like a number with a unit', () => {
    const problems = problemsOf({ NUXT_BACKGROUND_JOBS_LIMITS_JOB_TIMEOUT_MS: '98765432109876543s' })
    expect(problems).toEqual(['backgroundJobs.limits.jobTimeoutMs (NUXT_BACKGROUND_JOBS_LIMITS_JOB_TIMEOUT_MS) must be a number, got a text of 18 characters: a whole number of milliseconds (accepted: a whole number from 1 to 2147483647)'])
  })
})
