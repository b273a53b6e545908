/**
 * What an operator sets through `NUXT_BACKGROUND_JOBS_*` variables reaches the settings as meant:
 * the docs list exactly the variables the code reads, Nitro's own env mapping (applyEnv + destr)
 * is what these tests feed, and a misspelt name or an unreadable on/off word is said at boot.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { applyEnv } from 'nitropack/runtime/internal/utils.env'
import { afterEach, describe, expect, it } from 'vitest'
import { allowedModelNames, DEFAULT_CONFIG, disabledToolNames, envNameOf, resolveConfig, trustedOriginSet } from '../../server/lib/config'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { knownEnvNames, unknownEnvNameWarnings } from '../../server/lib/config-env-names'
import { unknownConfigKeys } from '../../server/lib/config-keys'
import { configProblems } from '../../server/lib/config-validate'
import { ROOT } from '../support/server-process'

/** Every leaf key of the defaults, dotted. */
function leafKeys(defaults: object, prefix = ''): string[] {
  return Object.entries(defaults).flatMap(([name, value]) => {
    const key = prefix ? `${prefix}.${name}` : name
    return value !== null && typeof value === 'object' ? leafKeys(value, key) : [key]
  })
}

const touched: string[] = []
/** The runtime config as Nitro builds it at boot from these variables (its real applyEnv). */
function bootInput(env: Record<string, string>): BackgroundJobsConfigInput {
  for (const [name, value] of Object.entries(env)) {
    process.env[name] = value
    touched.push(name)
  }
  const runtimeConfig = applyEnv({ backgroundJobs: structuredClone(DEFAULT_CONFIG) }, { prefix: 'NUXT_', altPrefix: 'NUXT_', envExpansion: false })
  return runtimeConfig.backgroundJobs as BackgroundJobsConfigInput
}
afterEach(() => {
  for (const name of touched.splice(0)) delete process.env[name]
})

describe('environment variables', () => {
  it('docs/config.md lists every setting with the variable Nitro reads for it, and nothing else', () => {
    const docs = readFileSync(join(ROOT, 'docs/config.md'), 'utf8')
    const rows = [...docs.matchAll(/^\| `([\w.]+)` \| `(NUXT_BACKGROUND_JOBS_\w+)` \|/gm)].map(match => [match[1], match[2]])
    expect(rows).toEqual(leafKeys(DEFAULT_CONFIG).map(key => [key, envNameOf(key)]))
  })

  it('every setting takes the value of its variable at boot (Nitro\'s mapping agrees with envNameOf)', () => {
    const env: Record<string, string> = {}
    for (const key of leafKeys(DEFAULT_CONFIG)) env[envNameOf(key)] = typeof valueOf(key) === 'boolean' ? String(!valueOf(key)) : typeof valueOf(key) === 'number' ? '7' : `text-${key}`
    const config = resolveConfig(bootInput(env))
    for (const key of leafKeys(DEFAULT_CONFIG)) {
      const expected = typeof valueOf(key) === 'boolean' ? !valueOf(key) : typeof valueOf(key) === 'number' ? 7 : `text-${key}`
      expect([key, key.split('.').reduce((value: any, part) => value[part], config)]).toEqual([key, expected])
    }
  })

  it('a text setting that looks like a number or a JSON word stays text', () => {
    const config = resolveConfig(bootInput({
      NUXT_BACKGROUND_JOBS_INSTANCE_ID: '1',
      NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: '123456',
      NUXT_BACKGROUND_JOBS_UPSTREAM_DEFAULT_MODEL: 'true',
      NUXT_BACKGROUND_JOBS_REDIS_KEY_PREFIX: '42',
      NUXT_BACKGROUND_JOBS_METRICS_TOKEN: '1234567890123456',
    }))
    expect(config.instanceId).toBe('1')
    expect(config.upstream.apiKey).toBe('123456')
    expect(config.upstream.defaultModel).toBe('true')
    expect(config.redisKeyPrefix).toBe('42')
    expect(config.metricsToken).toBe('1234567890123456')
    // As the variable wrote it, not as the number it parses to (which would change the token).
    const env = { NUXT_BACKGROUND_JOBS_METRICS_TOKEN: '9999999999999999', NUXT_BACKGROUND_JOBS_INSTANCE_ID: '1.50', NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: '1e3' }
    const exact = resolveConfig(bootInput(env), process.env)
    expect([exact.metricsToken, exact.instanceId, exact.upstream.apiKey]).toEqual(['9999999999999999', '1.50', '1e3'])
  })

  it('lists may be separated by commas, spaces or both, or given as a JSON array', () => {
    const config = resolveConfig(bootInput({
      NUXT_BACKGROUND_JOBS_TOOLS_DISABLED: 'weather  search',
      NUXT_BACKGROUND_JOBS_UPSTREAM_ALLOWED_MODELS: 'openai/gpt-4o-mini, anthropic/claude-sonnet-4',
      NUXT_BACKGROUND_JOBS_TRUSTED_ORIGINS: '["https://a.example.com","https://b.example.com"]',
    }))
    expect([...disabledToolNames(config)]).toEqual(['weather', 'search'])
    expect([...allowedModelNames(config)!]).toEqual(['openai/gpt-4o-mini', 'anthropic/claude-sonnet-4'])
    expect([...trustedOriginSet(config)]).toEqual(['https://a.example.com', 'https://b.example.com'])
    expect(configProblems(config)).toEqual([])
  })

  it('reads on/off words, and a word that is neither is a boot error naming the variable', () => {
    for (const [word, on] of [['true', true], ['1', true], ['yes', true], [' On ', true], ['false', false], ['0', false], ['no', false], ['OFF', false]] as const) {
      const input = bootInput({ NUXT_BACKGROUND_JOBS_TOOLS_ENABLED: word })
      expect([word, resolveConfig(input).tools.enabled, configProblems(resolveConfig(input), { input })]).toEqual([word, on, []])
    }
    const input = bootInput({ NUXT_BACKGROUND_JOBS_TOOLS_ENABLED: 'flase', NUXT_BACKGROUND_JOBS_ENABLED: '2' })
    expect(configProblems(resolveConfig(input), { input })).toEqual([
      'backgroundJobs.enabled (NUXT_BACKGROUND_JOBS_ENABLED) must be true or false, got 2',
      'backgroundJobs.tools.enabled (NUXT_BACKGROUND_JOBS_TOOLS_ENABLED) must be true or false (also accepted: true, 1, yes, on, false, 0, no, off), got "flase"',
    ])
  })

  it('an empty on/off variable (a template\'s missing value) is a boot error naming it and its default, not off', () => {
    // Read as off before: ALLOW_ANONYMOUS= from an unset compose variable answered every visitor 401, ENABLED= switched the layer off.
    const input = bootInput({ NUXT_BACKGROUND_JOBS_ALLOW_ANONYMOUS: '', NUXT_BACKGROUND_JOBS_TELEMETRY_RECORD_CONTENT: ' ' })
    expect(configProblems(resolveConfig(input), { input })).toEqual([
      'backgroundJobs.allowAnonymous (NUXT_BACKGROUND_JOBS_ALLOW_ANONYMOUS) is empty: write true or false (also accepted: true, 1, yes, on, false, 0, no, off), or unset the variable for its default (true)',
      'backgroundJobs.telemetry.recordContent (NUXT_BACKGROUND_JOBS_TELEMETRY_RECORD_CONTENT) is empty: write true or false (also accepted: true, 1, yes, on, false, 0, no, off), or unset the variable for its default (false)',
    ])
  })

  it('numbers: spaces and exponents are read; hex, units and negatives are boot errors naming the variable', () => {
    const read = resolveConfig(bootInput({ NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS: ' 12 ', NUXT_BACKGROUND_JOBS_LIMITS_TOOL_TIMEOUT_MS: '1e3' }))
    expect([read.limits.maxSteps, read.limits.toolTimeoutMs, configProblems(read)]).toEqual([12, 1000, []])
    const bad = resolveConfig(bootInput({
      NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS: '0x10',
      NUXT_BACKGROUND_JOBS_LIMITS_JOB_TIMEOUT_MS: '10m',
      NUXT_BACKGROUND_JOBS_LIMITS_MAX_STREAMS: '-1',
      NUXT_BACKGROUND_JOBS_LIMITS_MAX_MESSAGES: '1e400',
    }))
    expect(configProblems(bad)).toEqual([
      'backgroundJobs.limits.jobTimeoutMs (NUXT_BACKGROUND_JOBS_LIMITS_JOB_TIMEOUT_MS) must be a number, got "10m": a whole number of milliseconds; if you meant 10 minutes, set 600000 (accepted: a whole number from 1 to 2147483647)',
      'backgroundJobs.limits.maxSteps (NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS) must be a number, got "0x10" (accepted: a whole number, 1 or more)',
      'backgroundJobs.limits.maxMessages (NUXT_BACKGROUND_JOBS_LIMITS_MAX_MESSAGES) must be a number, got Infinity (accepted: a whole number, 1 or more)',
      'backgroundJobs.limits.maxStreams (NUXT_BACKGROUND_JOBS_LIMITS_MAX_STREAMS) must not be negative, got -1 (accepted: a whole number, 0 or more)',
    ])
  })

  it('numbers written in double quotes (docker run --env-file keeps them) are read, as quoted text and on/off words are', () => {
    const read = resolveConfig(bootInput({
      NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS: '"5"',
      NUXT_BACKGROUND_JOBS_LIMITS_JOB_TIMEOUT_MS: '"1e3"',
      NUXT_BACKGROUND_JOBS_TOOLS_ENABLED: '"false"',
      NUXT_BACKGROUND_JOBS_INSTANCE_ID: '"pod-1"',
    }), process.env)
    expect([read.limits.maxSteps, read.limits.jobTimeoutMs, read.tools.enabled, read.instanceId, configProblems(read)]).toEqual([5, 1000, false, 'pod-1', []])
    const bad = resolveConfig(bootInput({ NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS: '"10m"', NUXT_BACKGROUND_JOBS_LIMITS_MAX_STREAMS: '"-1"' }), process.env)
    expect(configProblems(bad)).toEqual([
      'backgroundJobs.limits.maxSteps (NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS) must be a number, got "10m" (accepted: a whole number, 1 or more)',
      'backgroundJobs.limits.maxStreams (NUXT_BACKGROUND_JOBS_LIMITS_MAX_STREAMS) must not be negative, got -1 (accepted: a whole number, 0 or more)',
    ])
  })

  it('a group set as JSON is merged and its misspelt keys named; a group set to a scalar is one problem', () => {
    const input = bootInput({ NUXT_BACKGROUND_JOBS_LIMITS: '{"maxSteps":3,"maxStep":4}', NUXT_BACKGROUND_JOBS_LIMITS_MAX_MESSAGES: '9' })
    const config = resolveConfig(input)
    expect([config.limits.maxSteps, config.limits.maxMessages, config.limits.jobTimeoutMs]).toEqual([3, 9, DEFAULT_CONFIG.limits.jobTimeoutMs])
    expect(unknownConfigKeys(input)).toEqual(['backgroundJobs.limits.maxStep is not a setting (did you mean limits.maxSteps?); see docs/config.md'])
    const scalar = bootInput({ NUXT_BACKGROUND_JOBS_STREAM: '5' })
    expect(configProblems(resolveConfig(scalar), { input: scalar })).toEqual([
      'backgroundJobs.stream (NUXT_BACKGROUND_JOBS_STREAM) must be a group of settings (a JSON object), got 5; set its keys one by one, e.g. NUXT_BACKGROUND_JOBS_STREAM_BATCH_WINDOW_MS',
    ])
    // A text put on the group is never shown: it may be the secret meant for one of its keys.
    const misplaced = bootInput({ NUXT_BACKGROUND_JOBS_UPSTREAM: 'sk-or-v1-SECRET' })
    const problems = configProblems(resolveConfig(misplaced), { input: misplaced }).filter(problem => problem.startsWith('backgroundJobs.upstream'))
    expect(problems).toEqual([expect.stringContaining('backgroundJobs.upstream (NUXT_BACKGROUND_JOBS_UPSTREAM) must be a group of settings (a JSON object), got a text of 15 characters')])
    expect(problems.join()).not.toContain('SECRET')
  })

  it('warns about a NUXT_BACKGROUND_JOBS_* variable that is no setting, with the one it probably meant, never its value', () => {
    expect(unknownEnvNameWarnings({
      NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEP: '3',
      NUXT_BACKGROUND_JOBS_UPSTREAM_APIKEY: 'sk-secret-value',
      NUXT_BACKGROUND_JOBS_SOMETHING_ELSE_ENTIRELY: 'x',
      NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS: '3',
      NUXT_BACKGROUND_JOBS_LIMITS: '{"maxSteps":3}',
      NUXT_PUBLIC_OTHER: 'y',
      PATH: '/bin',
    })).toEqual([
      'NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEP is not a setting and is ignored (did you mean NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS?); see docs/config.md',
      'NUXT_BACKGROUND_JOBS_SOMETHING_ELSE_ENTIRELY is not a setting and is ignored; see docs/config.md',
      'NUXT_BACKGROUND_JOBS_UPSTREAM_APIKEY is not a setting and is ignored (did you mean NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY?); see docs/config.md',
    ])
    expect(knownEnvNames()).toContain('NUXT_BACKGROUND_JOBS_ALLOW_PRESET')
  })
})

function valueOf(key: string): unknown {
  return key.split('.').reduce((value: any, part) => value[part], DEFAULT_CONFIG)
}
