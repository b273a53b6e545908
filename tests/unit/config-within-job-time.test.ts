/**
 * A limit that counts inside the job's own time (`limits.jobTimeoutMs`) and is not shorter than it
 * never applies: with `LIMITS_JOB_TIMEOUT_MS=60000` and `LIMITS_TOOL_TIMEOUT_MS=120000`, a hung tool
 * ended its whole job as a `timeout` instead of giving the model an error result, and the boot said
 * nothing. One boot warning names every such setting and its variable.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { configWarnings } from '../../server/lib/config-validate'

describe('limits that must fit inside the job\'s time limit', () => {
  it('warns once, naming each limit not shorter than limits.jobTimeoutMs and its variable', () => {
    const warnings = configWarnings(resolveConfig({ limits: { jobTimeoutMs: 60_000, toolTimeoutMs: 120_000, inputTimeoutMs: 30_000 }, upstream: { firstTokenTimeoutMs: 60_000 }, isolation: { queueTimeoutMs: 30_000 } }))
    // The stall limit and the worker queue's (30 s) fit: not named.
    expect(warnings).toEqual([
      'backgroundJobs.limits.jobTimeoutMs (NUXT_BACKGROUND_JOBS_LIMITS_JOB_TIMEOUT_MS, 60000) is not longer than backgroundJobs.limits.toolTimeoutMs (NUXT_BACKGROUND_JOBS_LIMITS_TOOL_TIMEOUT_MS, 120000), backgroundJobs.limits.nodeTimeoutMs (NUXT_BACKGROUND_JOBS_LIMITS_NODE_TIMEOUT_MS, 120000), backgroundJobs.upstream.firstTokenTimeoutMs (NUXT_BACKGROUND_JOBS_UPSTREAM_FIRST_TOKEN_TIMEOUT_MS, 60000): the job\'s time limit counts these too, so they never apply — the job ends as a timeout first (a tool call (without its own timeoutMs) still running; a workflow node still running; a model round still waiting for its first token); raise the job\'s limit or lower them',
    ])
    expect(configWarnings(resolveConfig({ limits: { jobTimeoutMs: 30_000, nodeTimeoutMs: 20_000 }, upstream: { firstTokenTimeoutMs: 20_000, stallTimeoutMs: 20_000 } }))).toEqual([
      expect.stringContaining('limits.inputTimeoutMs (NUXT_BACKGROUND_JOBS_LIMITS_INPUT_TIMEOUT_MS) (300000) is not shorter than'),
      'backgroundJobs.limits.jobTimeoutMs (NUXT_BACKGROUND_JOBS_LIMITS_JOB_TIMEOUT_MS, 30000) is not longer than backgroundJobs.isolation.queueTimeoutMs (NUXT_BACKGROUND_JOBS_ISOLATION_QUEUE_TIMEOUT_MS, 30000): the job\'s time limit counts it too, so it never applies — the job ends as a timeout first (an isolated tool call still waiting for a worker); raise the job\'s limit or lower it',
    ])
  })

  it('says nothing with the defaults, nor when the job\'s limit is a unit slip (that warning is the one to act on)', () => {
    expect(configWarnings(resolveConfig())).toEqual([])
    expect(configWarnings(resolveConfig({ limits: { jobTimeoutMs: 600, inputTimeoutMs: 300 } }))).toEqual([
      expect.stringMatching(/^backgroundJobs\.limits\.jobTimeoutMs .* is 600 ms, under a second/),
      expect.stringMatching(/^backgroundJobs\.limits\.inputTimeoutMs .* is 300 ms, under a second/),
    ])
  })
})
