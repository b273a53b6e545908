/**
 * A text setting whose variable holds a JSON object: Nitro parses it (destr) and puts the object
 * in place of the text. A secret manager that injects a whole JSON secret
 * (`{"metricsToken":"…"}`) does exactly that. Fed through Nitro's own applyEnv, as the server boots.
 */
import { applyEnv } from 'nitropack/runtime/internal/utils.env'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG, metricsTokenOf, resolveConfig } from '../../server/lib/config'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'

const touched: string[] = []
/** The runtime config with these variables applied, as Nitro does at boot. */
function bootInput(env: Record<string, string>): unknown {
  for (const [name, value] of Object.entries(env)) {
    process.env[name] = value
    touched.push(name)
  }
  return applyEnv({ backgroundJobs: structuredClone(DEFAULT_CONFIG) }, { prefix: 'NUXT_', altPrefix: 'NUXT_', envExpansion: false }).backgroundJobs
}
afterEach(() => {
  for (const name of touched.splice(0)) delete process.env[name]
})

const SECRET = 'f3c1a9d27b4e8f60c5d2a71b9e3f4c8d'

describe('a text setting given a JSON object', () => {
  it('stops the boot naming the variable, without echoing the value', () => {
    const input = bootInput({
      NUXT_BACKGROUND_JOBS_METRICS_TOKEN: JSON.stringify({ metricsToken: SECRET }),
      NUXT_BACKGROUND_JOBS_COOKIE_SECRET: JSON.stringify({ cookieSecret: SECRET }),
    })
    const config = resolveConfig(input as BackgroundJobsConfigInput)
    // What it used to become: a token anyone can send (`Authorization: Bearer [object Object]`).
    expect(metricsTokenOf(config)).toBe('[object Object]')
    const problems = configProblems(config, { input })
    expect(problems).toEqual([
      expect.stringMatching(/^backgroundJobs\.cookieSecret \(NUXT_BACKGROUND_JOBS_COOKIE_SECRET\) must be a text, got a JSON object/),
      expect.stringMatching(/^backgroundJobs\.metricsToken \(NUXT_BACKGROUND_JOBS_METRICS_TOKEN\) must be a text, got a JSON object/),
    ])
    expect(problems.join('\n')).not.toContain(SECRET)
  })

  it('a JSON object in trustedOrigins is one problem, not also its `[object Object]` judged as origins', () => {
    const input = bootInput({ NUXT_BACKGROUND_JOBS_TRUSTED_ORIGINS: JSON.stringify({ origins: 'https://app.example.com' }) })
    expect(configProblems(resolveConfig(input as BackgroundJobsConfigInput), { input })).toEqual([
      expect.stringMatching(/^backgroundJobs\.trustedOrigins \(NUXT_BACKGROUND_JOBS_TRUSTED_ORIGINS\) must be a text, got a JSON object/),
    ])
  })

  it('leaves texts, numbers, words and lists that read as text alone', () => {
    const input = bootInput({
      NUXT_BACKGROUND_JOBS_INSTANCE_ID: '1',
      NUXT_BACKGROUND_JOBS_UPSTREAM_DEFAULT_MODEL: 'true',
      NUXT_BACKGROUND_JOBS_TOOLS_DISABLED: '["a","b"]',
      NUXT_BACKGROUND_JOBS_METRICS_TOKEN: SECRET,
    })
    expect(configProblems(resolveConfig(input as BackgroundJobsConfigInput), { input })).toEqual([])
  })
})
