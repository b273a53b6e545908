import { describe, expect, it } from 'vitest'
import { allowedModelNames, envNameOf, hasModel, resolveConfig, usesScriptedModel } from '../../server/lib/config'
import { assertValidConfig, configProblems, configWarnings, InvalidConfigError } from '../../server/lib/config-validate'

describe('configuration checks', () => {
  it('the defaults are valid', () => {
    expect(configProblems(resolveConfig())).toEqual([])
  })

  it('names the key and its variable for negative, zero and non-numeric limits', () => {
    const problems = configProblems(resolveConfig({ limits: { maxSteps: -1, jobTimeoutMs: 0, toolTimeoutMs: 'soon' as unknown as number } }))
    expect(problems).toHaveLength(3)
    expect(problems.join('\n')).toContain('backgroundJobs.limits.maxSteps (NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS) must not be negative')
    expect(problems.join('\n')).toContain('limits.jobTimeoutMs (NUXT_BACKGROUND_JOBS_LIMITS_JOB_TIMEOUT_MS) must be greater than 0')
    expect(problems.join('\n')).toContain('NUXT_BACKGROUND_JOBS_LIMITS_TOOL_TIMEOUT_MS) must be a number')
  })

  it('refuses fractions: counts, sizes, seconds and times are whole numbers', () => {
    const problems = configProblems(resolveConfig({ limits: { createPerMinute: 2.5, maxConcurrentJobsPerUser: 1.5, retryAfterSeconds: 0.5 }, stream: { batchWindowMs: 12.5 } }))
    expect(problems).toEqual([
      'backgroundJobs.limits.maxConcurrentJobsPerUser (NUXT_BACKGROUND_JOBS_LIMITS_MAX_CONCURRENT_JOBS_PER_USER) must be a whole number, got 1.5 (accepted: a whole number, 1 or more)',
      'backgroundJobs.limits.retryAfterSeconds (NUXT_BACKGROUND_JOBS_LIMITS_RETRY_AFTER_SECONDS) must be a whole number, got 0.5 (accepted: a whole number, 0 or more)',
      'backgroundJobs.limits.createPerMinute (NUXT_BACKGROUND_JOBS_LIMITS_CREATE_PER_MINUTE) must be a whole number, got 2.5 (accepted: a whole number, 0 or more)',
      'backgroundJobs.stream.batchWindowMs (NUXT_BACKGROUND_JOBS_STREAM_BATCH_WINDOW_MS) must be a whole number, got 12.5 (accepted: a whole number from 0 to 2147483647)',
    ])
  })

  it('refuses a time longer than a Node timer can wait (it would fire at once), but not for the retention', () => {
    const days40 = 40 * 24 * 3_600_000
    const problems = configProblems(resolveConfig({ limits: { jobTimeoutMs: days40, retentionMs: days40 }, stream: { heartbeatMs: 2 ** 31 } }))
    expect(problems).toEqual([
      expect.stringMatching(/limits\.jobTimeoutMs \(NUXT_BACKGROUND_JOBS_LIMITS_JOB_TIMEOUT_MS\) must be at most 2147483647 .*got 3456000000/),
      expect.stringMatching(/stream\.heartbeatMs .* must be at most 2147483647/),
    ])
    expect(configProblems(resolveConfig({ limits: { jobTimeoutMs: 2 ** 31 - 1, inputTimeoutMs: 1_000 } }))).toEqual([])
  })

  it('allows 0 where it means "off" or "at once"', () => {
    expect(configProblems(resolveConfig({ stream: { batchWindowMs: 0 }, persist: { intervalMs: 0 }, upstream: { maxRetries: 0 } }))).toEqual([])
  })

  it('warns when a question may outlive its job: inputTimeoutMs not shorter than jobTimeoutMs (the defaults are fine)', () => {
    expect(configWarnings(resolveConfig())).toEqual([])
    // A short metrics token can be guessed: the route answers every try.
    expect(configWarnings(resolveConfig({ metricsToken: 'letmein' }))).toEqual([
      'backgroundJobs.metricsToken (NUXT_BACKGROUND_JOBS_METRICS_TOKEN) is shorter than 16 characters: GET /api/jobs/metrics takes 10 guesses a minute from every client address, so many addresses can find a short one: use a long random value (openssl rand -hex 32)',
    ])
    expect(configWarnings(resolveConfig({ metricsToken: 'x'.repeat(16) }))).toEqual([])
    expect(configWarnings(resolveConfig({ limits: { inputTimeoutMs: 600_000, jobTimeoutMs: 600_000 } }))).toEqual([
      expect.stringContaining('limits.inputTimeoutMs (NUXT_BACKGROUND_JOBS_LIMITS_INPUT_TIMEOUT_MS) (600000) is not shorter than backgroundJobs.limits.jobTimeoutMs'),
    ])
  })

  it('the redis provider needs a redis:// or rediss:// URL, named by its variable and never printed', () => {
    const problemsOf = (redisUrl: string) => configProblems(resolveConfig({ provider: 'redis', redisUrl, cookieSecret: 'x'.repeat(32) }))
    expect(problemsOf('redis://:p@ss@127.0.0.1:6379/0')).toEqual([])
    expect(problemsOf('rediss://user:secret@cache.internal:6380')).toEqual([])
    expect(problemsOf('')).toEqual([expect.stringContaining('NUXT_BACKGROUND_JOBS_REDIS_URL) is required with the provider "redis"')])
    expect(problemsOf('redis//:secret-pw@host')).toEqual([expect.stringContaining('NUXT_BACKGROUND_JOBS_REDIS_URL) is not a URL')])
    expect(problemsOf('http://:secret-pw@host:6379')).toEqual([expect.stringContaining('must start with redis:// or rediss://, not http://')])
    expect(problemsOf('redis://:secret-pw@127.0.0.1:6379/abc')).toEqual([expect.stringContaining('a path that is not a database number')])
    expect(problemsOf('redis://:secret%ZZ@127.0.0.1:6379')).toEqual([expect.stringContaining('broken %-escape')])
    expect(problemsOf('redis://user:p%40ss@127.0.0.1:6379/12')).toEqual([])
    for (const problem of [...problemsOf('redis//:secret-pw@host'), ...problemsOf('http://:secret-pw@host:6379')]) expect(problem).not.toContain('secret-pw')
    // Not checked at build time, where the variables are not applied yet.
    expect(configProblems(resolveConfig({ provider: 'redis', redisUrl: '', cookieSecret: 'x'.repeat(32) }), { runtime: false })).toEqual([])
  })

  it('refuses a Redis URL with a query: the client reads none of it, so ?db=2 (ioredis and redis-py spell it so) ran on database 0', async () => {
    const problemsOf = (redisUrl: string) => configProblems(resolveConfig({ provider: 'redis', redisUrl, cookieSecret: 'x'.repeat(32) }))
    // What node-redis makes of it: no database, so two apps on ?db=1 and ?db=2 with one prefix share every key.
    const { createClient } = await import('redis')
    expect(createClient({ url: 'redis://127.0.0.1:6379?db=2' }).options?.database).toBeUndefined()
    expect(problemsOf('redis://:secret-pw@127.0.0.1:6379?db=2')).toEqual([expect.stringMatching(/NUXT_BACKGROUND_JOBS_REDIS_URL\) has query parameters \(db\), which the Redis client ignores: write the database number as the path \(redis:\/\/host:6379\/2\)/)])
    expect(problemsOf('rediss://cache.internal:6380/1?ssl_cert_reqs=none')).toEqual([expect.stringContaining('has query parameters (ssl_cert_reqs), which the Redis client ignores')])
    expect(problemsOf('redis://:secret-pw@127.0.0.1:6379/2?')).toEqual([])
    for (const problem of problemsOf('redis://:secret-pw@127.0.0.1:6379?db=2&password=secret-pw')) expect(problem).not.toContain('secret-pw')
  })

  it('refuses a lease heartbeat that is not shorter than the lease', () => {
    const problems = configProblems(resolveConfig({ lease: { durationMs: 5_000, heartbeatMs: 5_000 } }))
    expect(problems).toEqual([expect.stringContaining('lease.heartbeatMs (NUXT_BACKGROUND_JOBS_LEASE_HEARTBEAT_MS) (5000) must be shorter than')])
  })

  it('isolation: no warm or waiting workers is fine; more warm workers than workers is not', () => {
    expect(configProblems(resolveConfig({ isolation: { minWorkers: 0, maxQueue: 0 } }))).toEqual([])
    expect(configProblems(resolveConfig({ isolation: { minWorkers: 3, maxWorkers: 2 } }))).toEqual([expect.stringContaining('isolation.minWorkers (NUXT_BACKGROUND_JOBS_ISOLATION_MIN_WORKERS) (3) must not exceed')])
    expect(configProblems(resolveConfig({ isolation: { heapMb: 0 } }))).toEqual([expect.stringContaining('NUXT_BACKGROUND_JOBS_ISOLATION_HEAP_MB) must be greater than 0')])
    // 2 MB: Node aborts the whole process (fatal OOM) when the first isolated call starts a worker; 3–12 MB: every call, even a trivial one, fails over the heap limit.
    expect(configProblems(resolveConfig({ isolation: { heapMb: 2 } }))).toEqual([expect.stringContaining('NUXT_BACKGROUND_JOBS_ISOLATION_HEAP_MB) must be at least 16, got 2')])
    expect(configProblems(resolveConfig({ isolation: { heapMb: 16 } }))).toEqual([])
  })

  it('isolation: a user\'s share of the workers is at least one and at most all of them', () => {
    expect(configProblems(resolveConfig({ isolation: { maxWorkers: 4, maxWorkersPerUser: 4 } }))).toEqual([])
    expect(configProblems(resolveConfig({ isolation: { maxWorkers: 1 } }))).toEqual([])
    expect(configProblems(resolveConfig({ isolation: { maxWorkersPerUser: 0 } }))).toEqual([expect.stringContaining('isolation.maxWorkersPerUser (NUXT_BACKGROUND_JOBS_ISOLATION_MAX_WORKERS_PER_USER) must be greater than 0')])
    expect(configProblems(resolveConfig({ isolation: { maxWorkers: 2, maxWorkersPerUser: 3 } }))).toEqual([expect.stringContaining('isolation.maxWorkersPerUser (NUXT_BACKGROUND_JOBS_ISOLATION_MAX_WORKERS_PER_USER) (3) must not exceed backgroundJobs.isolation.maxWorkers')])
    expect(configProblems(resolveConfig({ isolation: { maxWorkersPerUser: 1.5 } }))).toEqual([expect.stringContaining('NUXT_BACKGROUND_JOBS_ISOLATION_MAX_WORKERS_PER_USER) must be a whole number, got 1.5')])
  })

  it('refuses an unknown provider and a short cookie secret', () => {
    const problems = configProblems(resolveConfig({ provider: 'mongo' as never, cookieSecret: 'short' }))
    expect(problems.some(problem => problem.includes('provider') && problem.includes('"mongo"'))).toBe(true)
    expect(problems.some(problem => problem.includes('at least 32 characters'))).toBe(true)
    // An unknown provider is that one problem, not also one about the shared providers' cookie secret.
    expect(configProblems(resolveConfig({ provider: 'postgres' as never }))).toEqual([expect.stringContaining('must be one of memory, redis, convex, got "postgres"')])
  })

  it('the upstream needs an http(s) base URL and a default model, named by their variables', () => {
    for (const baseUrl of ['', 'htps://openrouter.ai/api/v1']) {
      expect(configProblems(resolveConfig({ upstream: { baseUrl } }))).toEqual([expect.stringContaining('backgroundJobs.upstream.baseUrl (NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL) must')])
    }
    expect(configProblems(resolveConfig({ upstream: { baseUrl: 'openrouter.ai/api/v1' } }))).toEqual([expect.stringContaining('backgroundJobs.upstream.baseUrl (NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL) has no scheme')])
    expect(configProblems(resolveConfig({ upstream: { baseUrl: 'http://127.0.0.1:8080/v1' } }))).toEqual([])
    expect(configProblems(resolveConfig({ upstream: { defaultModel: ' ' } }))).toEqual(['backgroundJobs.upstream.defaultModel (NUXT_BACKGROUND_JOBS_UPSTREAM_DEFAULT_MODEL) must name a model, e.g. openai/gpt-4o-mini'])
  })

  it('a shared provider needs a cookie secret at run time (not at build time), unless anonymous users are off', () => {
    const shared = resolveConfig({ provider: 'convex', convexUrl: 'https://x.convex.cloud' })
    expect(configProblems(shared).join()).toContain('NUXT_BACKGROUND_JOBS_COOKIE_SECRET')
    expect(configProblems(shared, { runtime: false })).toEqual([])
    const convex = { provider: 'convex' as const, convexUrl: 'https://x.convex.cloud', convexSecret: 's'.repeat(32) }
    expect(configProblems(resolveConfig({ ...convex, allowAnonymous: false }))).toEqual([])
    expect(configProblems(resolveConfig({ ...convex, cookieSecret: 'x'.repeat(32) }))).toEqual([])
  })

  it('the convex provider needs its URL and the servers\' secret at run time, naming the variables', () => {
    const problems = configProblems(resolveConfig({ provider: 'convex', cookieSecret: 'x'.repeat(32), convexSecret: 'short' }))
    expect(problems).toEqual([
      expect.stringContaining('backgroundJobs.convexUrl (NUXT_BACKGROUND_JOBS_CONVEX_URL) is required'),
      expect.stringContaining('backgroundJobs.convexSecret (NUXT_BACKGROUND_JOBS_CONVEX_SECRET) is required with the provider "convex": at least 32 characters'),
    ])
    expect(configProblems(resolveConfig({ provider: 'convex' }), { runtime: false })).toEqual([])
    const malformed = configProblems(resolveConfig({ provider: 'convex', cookieSecret: 'x'.repeat(32), convexSecret: 's'.repeat(32), convexUrl: 'my-deployment' }))
    expect(malformed).toEqual(['backgroundJobs.convexUrl (NUXT_BACKGROUND_JOBS_CONVEX_URL) must be an http(s) URL, got "my-deployment" (https://<deployment>.convex.cloud)'])
  })

  it('assertValidConfig throws one error listing every problem', () => {
    expect(() => assertValidConfig(resolveConfig({ limits: { maxSteps: -1, maxMessages: -2 } }))).toThrow(InvalidConfigError)
    expect(() => assertValidConfig(resolveConfig({ limits: { maxSteps: -1, maxMessages: -2 } }))).toThrow(/MAX_STEPS[\s\S]*MAX_MESSAGES/)
  })

  it('spells environment variables the way Nuxt maps them', () => {
    expect(envNameOf('upstream.apiKey')).toBe('NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY')
    expect(envNameOf('limits.maxStreamsPerUser')).toBe('NUXT_BACKGROUND_JOBS_LIMITS_MAX_STREAMS_PER_USER')
    expect(envNameOf('enabled')).toBe('NUXT_BACKGROUND_JOBS_ENABLED')
  })
})

describe('model defaults', () => {
  it('an empty allowedModels allows only the default model, a list allows those and the default; * allows any', () => {
    expect([...allowedModelNames(resolveConfig())!]).toEqual(['openai/gpt-4o-mini'])
    expect([...allowedModelNames(resolveConfig({ upstream: { defaultModel: 'acme/m1' } }))!]).toEqual(['acme/m1'])
    expect([...allowedModelNames(resolveConfig({ upstream: { allowedModels: 'a, b' } }))!]).toEqual(['a', 'b', 'openai/gpt-4o-mini'])
    expect(allowedModelNames(resolveConfig({ upstream: { allowedModels: '*' } }))).toBeNull()
  })

  it('the scripted model answers only when enabled (or in dev), never by default in production', () => {
    expect(hasModel(resolveConfig())).toBe(false)
    expect(usesScriptedModel(resolveConfig())).toBe(false)
    expect(usesScriptedModel(resolveConfig({}, {}, { dev: true }))).toBe(true)
    expect(usesScriptedModel(resolveConfig({ scripted: { enabled: 'true' as unknown as boolean } }))).toBe(true)
    expect(usesScriptedModel(resolveConfig({ scripted: { enabled: true }, upstream: { apiKey: 'sk-1' } }))).toBe(false)
    expect(hasModel(resolveConfig({ upstream: { apiKey: 'sk-1' } }))).toBe(true)
  })
})
