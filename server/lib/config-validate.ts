/**
 * Checks a resolved configuration once, at build time (values in nuxt.config) and at boot (with
 * the `NUXT_BACKGROUND_JOBS_*` environment applied). A value that makes no sense — a negative or
 * non-numeric limit, a heartbeat not shorter than the lease, an unknown provider — is an error
 * naming the key and its variable, instead of a server that misbehaves later.
 */
import type { BackgroundJobsConfig } from './config'
import { convexSecretOf, DEFAULT_CONFIG, envNameOf, metricsTokenOf, trustedOriginSet } from './config'
import { BOOLEAN_KEYS, booleanProblem, valueAt } from './config-booleans'
import { noValueEnvNames, noValueEnvProblems, nullInGroupProblem, nullSettingKeys } from './config-env-null'
import { MIN_HIDDEN_CHARS, shownValue, valueKind } from './config-shown-value'
import { convexAddressProblem } from './convex-url-check'
import { closestName } from './closest-name'
import { modelContextTokensProblems } from './model/context-budget'
import { unitWarnings } from './config-units'
import { withinJobTimeWarnings } from './config-timeouts'
import { checkNumbers, MIN_IPV6_PREFIX_LENGTH, MIN_ISOLATION_HEAP_MB } from './config-numbers'
import { MAX_TIMER_MS } from './config-timer-max'
import { unusedStoreSettingWarnings } from './config-provider-settings'
import { leaseMarginWarnings } from './config-lease'
import { proxyAddressSettingProblems } from './http/proxy-addresses'
import { MIN_SECRET_LENGTH, SECRET_VARIABLE } from '../../convex/secret'
import { MAX_RATE_LIMIT } from '../../convex/limits'
import { RATE_LIMITS } from './rate-limit'
import { DEFAULT_MAX_JOBS } from './providers/memory'

/** The providers the layer ships. */
export const PROVIDER_NAMES = ['memory', 'redis', 'convex'] as const

/** What `recovery.chat` may say. */
export const CHAT_RECOVERY_MODES = ['fail', 'continue'] as const

/** What `tools.errorMessages` may say (shown-tool-error.ts). */
export const TOOL_ERROR_MESSAGE_MODES = ['tool-errors', 'all'] as const

export { MAX_TIMER_MS, MIN_ISOLATION_HEAP_MB }

/** A configuration that cannot run; the message names every bad key. */
export class InvalidConfigError extends Error {
  override readonly name = 'InvalidConfigError'
  constructor(readonly problems: string[]) {
    super(`nuxt-background-jobs: invalid configuration:\n${problems.map(problem => `  - ${problem}`).join('\n')}`)
  }
}

function describe(key: string): string {
  return `backgroundJobs.${key} (${envNameOf(key)})`
}

/**
 * Every text setting must be a text. Nitro parses a variable that reads as JSON, and a JSON object
 * (a secret manager injecting a whole JSON secret, `{"metricsToken":"…"}`) stays an object, which
 * readers turn into the text `[object Object]` (a metrics token anyone can send) or choke on. Never
 * shown: it may hold a secret. (Numbers, words and lists were turned into text by `resolveConfig`.)
 */
function checkTexts(defaults: object, values: Record<string, unknown>, prefix: string, problems: string[]): void {
  for (const [name, fallback] of Object.entries(defaults)) {
    const key = prefix ? `${prefix}.${name}` : name
    const value = values?.[name]
    if (fallback !== null && typeof fallback === 'object') checkTexts(fallback, (value ?? {}) as Record<string, unknown>, key, problems)
    else if (typeof fallback === 'string' && typeof value !== 'string') {
      problems.push(`${describe(key)} must be a text, got ${value !== null && typeof value === 'object' ? 'a JSON object' : valueKind(value)}: a variable holding JSON is parsed, so give the text itself, not a JSON document around it`)
    }
  }
}

/** Options of `configProblems`. */
export interface ConfigCheckOptions {
  /**
   * Check what only exists at run time too (secrets come from the environment). Off at build
   * time, where `NUXT_BACKGROUND_JOBS_*` variables are not applied yet. @default true
   */
  runtime?: boolean
  /**
   * The configuration as given, before `resolveConfig` read its on/off words: a word that is not
   * one (`NUXT_BACKGROUND_JOBS_TOOLS_ENABLED=flase`) is a problem. @default undefined (not checked)
   */
  input?: unknown
}

/**
 * The scheme a URL was written with (`redis` of `redis://…`), or null when it has none: the URL
 * parser reads the host of `localhost:6379` (`localhost:`) as a scheme.
 */
function writtenScheme(url: string): string | null {
  return /^\s*([a-z][a-z\d+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase() ?? null
}

/**
 * True for a host written without any scheme that the URL parser refuses outright (`10.0.0.5:6379`,
 * `redis.internal`, `api.openai.com/v1`, `happy-otter-123.convex.cloud`): a dotted name or
 * `localhost`, maybe a port, then a path or nothing. Said so, not as "not a URL" or a long value's
 * length, which named nothing to fix. Anything else (a key pasted into the wrong variable) is still
 * "a text of N characters".
 */
function lacksScheme(url: string): boolean {
  const host = url.trim().split('/')[0]!
  return !url.includes('//') && /^(?:localhost|[a-z\d-]+(?:\.[a-z\d-]+)+)(?::\d{1,5})?$/i.test(host)
}

const REDIS_NO_SCHEME = 'has no scheme: write redis://host:6379 (rediss:// for TLS)'
const HTTP_NO_SCHEME = 'has no scheme: write https:// or http:// before the host'

/** What is wrong with a Redis URL (null: nothing), e.g. `redis://:password@host:6379/0`. */
function redisUrlProblem(url: string | undefined): string | null {
  if (!url) return 'is required with the provider "redis", e.g. redis://127.0.0.1:6379 (rediss:// for TLS)'
  // A raw `/`, `?` or `#` in the user info ends the host part there (an `@` after it): the client
  // would connect to a host made of the user name (`default:1234#…@host` → default:1234), or the
  // URL is none. Named as such, not as the path, query or "not a URL" it turns into; never shown.
  if (/^rediss?$/.test(writtenScheme(url) ?? '') && /^[^/?#]*[/?#].*@/s.test(url.trim().replace(/^[a-z][a-z\d+.-]*:\/\//i, ''))) {
    return 'has a user name or password holding a raw /, ? or #, which ends the host part there (the Redis client would connect to another host, or read no URL): write them %-escaped, / as %2F, ? as %3F and # as %23 (encodeURIComponent)'
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  }
  catch {
    return lacksScheme(url) ? REDIS_NO_SCHEME : 'is not a URL (expected redis://[user:password@]host[:port][/db] or rediss://…)'
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    const scheme = writtenScheme(url)
    return scheme ? `must start with redis:// or rediss://, not ${scheme}://` : REDIS_NO_SCHEME
  }
  // What the Redis client reads from it: a database number as the path, credentials as escaped text.
  if (!/^\/?\d*$/.test(parsed.pathname)) return 'has a path that is not a database number (redis://host:6379/0)'
  // node-redis reads no query: `?db=2` (how ioredis and redis-py take it) would run on database 0,
  // sharing every key with an app there on the same prefix. Names only: a value may be a password;
  // a long name by its length, as any value (a password's unescaped `?` makes its rest one).
  const names = [...new Set(parsed.searchParams.keys())].map(name => name.length < MIN_HIDDEN_CHARS ? name : valueKind(name))
  if (names.length > 0) {
    const db = parsed.searchParams.get('db')
    const fix = db !== null && /^\d+$/.test(db) ? `write the database number as the path (redis://host:6379/${db})` : 'remove it (the database number is the path: redis://host:6379/0)'
    return `has query parameters (${names.join(', ')}), which the Redis client ignores: ${fix}`
  }
  try {
    decodeURIComponent(parsed.username)
    decodeURIComponent(parsed.password)
  }
  catch {
    return 'has a user name or password with a broken %-escape (write % as %25)'
  }
  // node-redis sends no AUTH without a password: it would run as `default`, not as the user named.
  // The user part is not shown: it is as often a password written in the user's place.
  if (parsed.username && !parsed.password) return 'names a user but no password, so the Redis client logs in as the default user: write redis://user:password@host (any password for an ACL user with nopass), or redis://:password@host for a password alone'
  return null
}

/**
 * A word setting given another value: the words it takes, and the one probably meant (`Redis`,
 * `contine`, `tool_errors`) — only for a value short enough to be quoted (a long one may be a secret).
 */
function oneOfProblem(value: unknown, words: readonly string[]): string {
  const meant = typeof value === 'string' && value.length < MIN_HIDDEN_CHARS ? closestName(value, words, 2) : undefined
  return `must be one of ${words.join(', ')}, got ${shownValue(value)}${meant ? ` (did you mean ${JSON.stringify(meant)}?)` : ''}`
}

/** Why `url` is not an http(s) URL, or null when it is one. */
function httpUrlProblem(url: string | undefined): string | null {
  let parsed: URL
  try {
    parsed = new URL(String(url ?? ''))
  }
  catch {
    if (typeof url === 'string' && url.trim() && lacksScheme(url)) return HTTP_NO_SCHEME
    return `must be an http(s) URL, got ${url ? shownValue(String(url)) : 'nothing'}`
  }
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return null
  const scheme = writtenScheme(String(url))
  return scheme ? `must start with https:// or http://, not ${scheme}://` : HTTP_NO_SCHEME
}

/** True for `scheme://host[:port]` exactly as a browser sends it in `Origin`. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value)
    return url.origin !== 'null' && url.origin === value
  }
  catch {
    return false
  }
}

/**
 * The origin an http(s) URL listed in `trustedOrigins` probably meant (a path or a trailing slash
 * too many). Shown in place of the entry, which is quoted only when short (`shownValue`): an entry
 * may be a secret put in the wrong variable, or carry a password (`https://user:pass@host`), and
 * the boot error is printed past the logs' redaction. The origin holds neither.
 */
function originHint(value: string): string {
  try {
    const url = new URL(value)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin !== value ? ` (did you mean ${url.origin}?)` : ''
  }
  catch {
    return ''
  }
}

/**
 * The shortest metrics token that is not warned about: the route takes 10 wrong tokens a minute
 * from each client address (http/metrics-guesses.ts), and many addresses can guess at once, so a
 * short one can still be found by trying.
 */
export const MIN_METRICS_TOKEN_CHARS = 16

/**
 * Settings that work but probably not as meant (the server warns at boot): each names the keys,
 * their variables and what happens.
 */
export function configWarnings(config: BackgroundJobsConfig): string[] {
  const warnings: string[] = []
  const { inputTimeoutMs, jobTimeoutMs } = config.limits
  if (inputTimeoutMs >= jobTimeoutMs) {
    warnings.push(`${describe('limits.inputTimeoutMs')} (${inputTimeoutMs}) is not shorter than ${describe('limits.jobTimeoutMs')} (${jobTimeoutMs}): the job's time limit counts waits too, so an unanswered question ends its job as a timeout before its onTimeout applies`)
  }
  // Tool, node, model and worker-queue limits that the job's own would always cut short.
  warnings.push(...withinJobTimeWarnings(config))
  // A Redis or Convex URL given while another provider stores the jobs (PROVIDER forgotten).
  warnings.push(...unusedStoreSettingWarnings(config))
  // A lease that one failed renewal lets lapse (config-lease.ts).
  warnings.push(...leaseMarginWarnings(config))
  const { maxConcurrentJobs } = config.limits
  if (config.provider === 'memory' && maxConcurrentJobs > DEFAULT_MAX_JOBS) {
    warnings.push(`${describe('limits.maxConcurrentJobs')} (${maxConcurrentJobs}) is above the ${DEFAULT_MAX_JOBS} jobs the memory provider holds: with ${DEFAULT_MAX_JOBS} jobs active, a creation is refused with a 503 (the store is full), not this limit's 429; use the redis or convex provider for more`)
  }
  // Convex deletes in the deployment's cron, with the deployment's own setting (providers.md, "Retention").
  const { retentionMs } = config.limits
  if (config.provider === 'convex' && retentionMs !== DEFAULT_CONFIG.limits.retentionMs) {
    warnings.push(`${describe('limits.retentionMs')} (${retentionMs}) does not apply with the provider "convex": the deployment's cron deletes finished jobs after its own BACKGROUND_JOBS_RETENTION_MS (1 hour unless set there); set the retention there (npx convex env set BACKGROUND_JOBS_RETENTION_MS ${retentionMs})`)
  }
  const metricsToken = metricsTokenOf(config)
  if (metricsToken && metricsToken.length < MIN_METRICS_TOKEN_CHARS) {
    warnings.push(`${describe('metricsToken')} is shorter than ${MIN_METRICS_TOKEN_CHARS} characters: GET /api/jobs/metrics takes 10 guesses a minute from every client address, so many addresses can find a short one: use a long random value (openssl rand -hex 32)`)
  }
  // A time meant in seconds (config-units.ts).
  warnings.push(...unitWarnings(config))
  return warnings
}

/** What a cookie secret is: a developer switching to Redis read that one is required, not what to put there. */
const COOKIE_SECRET_HINT = 'random text of at least 32 characters, the same on every instance (e.g. `openssl rand -hex 32`)'

/** The problems of a configuration (empty when it is fine). */
export function configProblems(config: BackgroundJobsConfig, options: ConfigCheckOptions = {}): string[] {
  const problems: string[] = []
  // `NUXT_BACKGROUND_JOBS=false` (meant as the kill switch): Nitro puts the scalar in place of the
  // whole object, so every setting of the app and every other variable would be dropped unseen.
  const { input } = options
  if (input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input))) {
    return [`backgroundJobs (NUXT_BACKGROUND_JOBS) must be a group of settings (a JSON object), got ${valueKind(input)}: set to anything else it replaces every setting, and every other NUXT_BACKGROUND_JOBS_* variable is ignored; set the settings one by one (${envNameOf('enabled')}=false switches the layer off)`]
  }
  checkNumbers(DEFAULT_CONFIG, config as unknown as Record<string, unknown>, '', problems)
  checkTexts(DEFAULT_CONFIG, config as unknown as Record<string, unknown>, '', problems)
  const baseUrlProblem = httpUrlProblem(config.upstream.baseUrl)
  if (baseUrlProblem) problems.push(`${describe('upstream.baseUrl')} ${baseUrlProblem}, e.g. https://openrouter.ai/api/v1 (an OpenAI-compatible endpoint)`)
  // The client appends `/chat/completions`: the endpoint itself (what Azure's portal shows) would
  // send every round to `…/chat/completions/chat/completions`, and every job failed on a 404.
  else if (/\/chat\/completions\/*$/i.test(new URL(config.upstream.baseUrl).pathname)) {
    problems.push(`${describe('upstream.baseUrl')} ends with /chat/completions, which the model client appends itself: give the base URL without it (https://openrouter.ai/api/v1, not https://openrouter.ai/api/v1/chat/completions; a query such as ?api-version=… may stay)`)
  }
  if (String(config.upstream.defaultModel ?? '').trim() === '') problems.push(`${describe('upstream.defaultModel')} must name a model, e.g. openai/gpt-4o-mini`)
  problems.push(...modelContextTokensProblems(config))
  // A group replaced by a scalar (`NUXT_BACKGROUND_JOBS_LIMITS=5`): one problem, not one per key of it.
  for (const [group, fallback] of Object.entries(DEFAULT_CONFIG)) {
    if (fallback === null || typeof fallback !== 'object' || options.input === undefined) continue
    const value = valueAt(options.input, group)
    if (value === undefined || (value !== null && typeof value === 'object' && !Array.isArray(value))) continue
    for (let index = problems.length - 1; index >= 0; index--) {
      if (problems[index]!.startsWith(`backgroundJobs.${group}.`)) problems.splice(index, 1)
    }
    // Not the value itself: it may be a secret meant for a key of the group (`…_UPSTREAM=sk-…`).
    problems.push(`${describe(group)} must be a group of settings (a JSON object), got ${valueKind(value)}; set its keys one by one, e.g. ${envNameOf(`${group}.${Object.keys(fallback)[0]}`)}`)
  }
  for (const key of BOOLEAN_KEYS) {
    const problem = options.input === undefined ? null : booleanProblem(valueAt(options.input, key), valueAt(DEFAULT_CONFIG, key) as boolean)
    if (problem) problems.push(`${describe(key)} ${problem}`)
  }
  if (!(PROVIDER_NAMES as readonly string[]).includes(config.provider)) {
    problems.push(`${describe('provider')} ${oneOfProblem(config.provider, PROVIDER_NAMES)}`)
  }
  if (!(TOOL_ERROR_MESSAGE_MODES as readonly string[]).includes(config.tools.errorMessages)) {
    problems.push(`${describe('tools.errorMessages')} ${oneOfProblem(config.tools.errorMessages, TOOL_ERROR_MESSAGE_MODES)}`)
  }
  if (!(CHAT_RECOVERY_MODES as readonly string[]).includes(config.recovery.chat)) {
    problems.push(`${describe('recovery.chat')} ${oneOfProblem(config.recovery.chat, CHAT_RECOVERY_MODES)}`)
  }
  if (config.lease.heartbeatMs >= config.lease.durationMs) {
    problems.push(`${describe('lease.heartbeatMs')} (${config.lease.heartbeatMs}) must be shorter than ${describe('lease.durationMs')} (${config.lease.durationMs}), or leases expire between renewals`)
  }
  else if (config.lease.durationMs + 2 * config.lease.heartbeatMs > MAX_TIMER_MS) {
    // An abort or answer forwarded to the owner waits this long on one timer, which would fire at once.
    problems.push(`${describe('lease.durationMs')} (${config.lease.durationMs}) + 2 × ${describe('lease.heartbeatMs')} (${config.lease.heartbeatMs}) must be at most ${MAX_TIMER_MS} (about 24.8 days, the longest a Node timer waits): an abort or answer forwarded to the job's instance waits that long for its reply`)
  }
  const { bytes, maxPendingBytes } = config.persist
  if ((config.provider === 'redis' || config.provider === 'convex') && maxPendingBytes < bytes) {
    problems.push(`${describe('persist.maxPendingBytes')} (${maxPendingBytes}) must be at least ${describe('persist.bytes')} (${bytes}): a running job's events wait until that many are pending before they are written, so a smaller bound stops healthy jobs as store-unreachable`)
  }
  const prefixLength = config.clientIpv6PrefixLength
  if (Number.isInteger(prefixLength) && (prefixLength < MIN_IPV6_PREFIX_LENGTH || prefixLength > 128)) {
    problems.push(`${describe('clientIpv6PrefixLength')} must be from ${MIN_IPV6_PREFIX_LENGTH} to 128 (bits of an IPv6 address that name one client: 64 for a /64), got ${prefixLength}`)
  }
  const { heapMb } = config.isolation
  if (heapMb > 0 && heapMb < MIN_ISOLATION_HEAP_MB) {
    problems.push(`${describe('isolation.heapMb')} must be at least ${MIN_ISOLATION_HEAP_MB}, got ${heapMb}: a worker needs that much to start and load the tools (with 1 or 2 MB Node aborts the whole server when the first isolated call starts a worker; below ${MIN_ISOLATION_HEAP_MB} every call fails over its heap limit)`)
  }
  if (config.isolation.minWorkers > config.isolation.maxWorkers) {
    problems.push(`${describe('isolation.minWorkers')} (${config.isolation.minWorkers}) must not exceed ${describe('isolation.maxWorkers')} (${config.isolation.maxWorkers})`)
  }
  if (config.isolation.maxWorkersPerUser > config.isolation.maxWorkers) {
    problems.push(`${describe('isolation.maxWorkersPerUser')} (${config.isolation.maxWorkersPerUser}) must not exceed ${describe('isolation.maxWorkers')} (${config.isolation.maxWorkers}): one user's share of the workers cannot be more than all of them (set it to ${config.isolation.maxWorkers} for no share: turns by user alone)`)
  }
  for (const key of ['cookieSecret', 'cookieSecretPrevious'] as const) {
    if (config[key] && config[key].length < 32) problems.push(`${describe(key)} must be at least 32 characters long: ${COOKIE_SECRET_HINT}`)
  }
  if (options.runtime !== false && (config.provider === 'redis' || config.provider === 'convex') && !config.cookieSecret && config.allowAnonymous) {
    problems.push(`${describe('cookieSecret')} is required with the shared provider "${config.provider}": every instance must read the anonymous user cookie the others set — set it to ${COOKIE_SECRET_HINT} (or turn anonymous users off with ${envNameOf('allowAnonymous')}=false)`)
  }
  problems.push(...proxyAddressSettingProblems(config).map(problem => `${describe('trustedProxyAddresses')} ${problem}`))
  // Not a text (a JSON object: checkTexts names it): its `[object Object]` holds no origins to judge.
  for (const origin of typeof config.trustedOrigins === 'string' ? trustedOriginSet(config) : []) {
    if (!isOrigin(origin)) problems.push(`${describe('trustedOrigins')} lists ${shownValue(origin)}, which is not an origin${originHint(origin)}: write scheme://host[:port] with no path, e.g. https://app.example.com`)
  }
  if (options.runtime !== false && config.provider === 'redis') {
    const problem = redisUrlProblem(config.redisUrl)
    if (problem) problems.push(`${describe('redisUrl')} ${problem}`)
  }
  // Set empty (a template's missing value, or "no prefix" meant): the provider would run on the
  // default `bgjobs:`, so two apps each given an empty prefix to keep apart would share every key.
  if (config.provider === 'redis' && config.redisKeyPrefix === '') {
    problems.push(`${describe('redisKeyPrefix')} is empty: every key needs a prefix, and an empty one would silently be the default ${DEFAULT_CONFIG.redisKeyPrefix}; unset the variable for that default, or give the prefix meant (e.g. myapp:)`)
  }
  // `myapp: ` from an env file put the space into every key: instances given it with and without
  // the space shared nothing. Not trimmed: an app already running on it would find none of its jobs.
  else if (config.provider === 'redis' && typeof config.redisKeyPrefix === 'string' && config.redisKeyPrefix.trim() !== config.redisKeyPrefix) {
    problems.push(`${describe('redisKeyPrefix')} ${shownValue(config.redisKeyPrefix)} starts or ends with whitespace, which would be part of every key: remove it (jobs stored under the prefix with the whitespace are not found under the one without)`)
  }
  if (config.provider === 'convex') {
    // The deployment refuses a window it cannot count (invalid-rate): every request it limits would be a 500.
    for (const { setting } of Object.values(RATE_LIMITS)) {
      const value = config.limits[setting]
      if (typeof value === 'number' && value > MAX_RATE_LIMIT) problems.push(`${describe(`limits.${setting}`)} must be at most ${MAX_RATE_LIMIT} with the provider "convex" (a deployment counts at most that many hits per window; 0 turns the limit off), got ${value}`)
    }
  }
  if (options.runtime !== false && config.provider === 'convex') {
    const convexUrlProblem = config.convexUrl ? httpUrlProblem(config.convexUrl) : null
    const addressProblem = config.convexUrl && !convexUrlProblem ? convexAddressProblem(config.convexUrl) : null
    if (!config.convexUrl) problems.push(`${describe('convexUrl')} is required with the provider "convex" (https://<deployment>.convex.cloud)`)
    else if (convexUrlProblem) problems.push(`${describe('convexUrl')} ${convexUrlProblem} (https://<deployment>.convex.cloud)`)
    else if (addressProblem) problems.push(`${describe('convexUrl')} ${addressProblem}`)
    if (convexSecretOf(config).length < MIN_SECRET_LENGTH) {
      problems.push(`${describe('convexSecret')} is required with the provider "convex": at least ${MIN_SECRET_LENGTH} characters, the same value as the deployment's ${SECRET_VARIABLE} (npx convex env set ${SECRET_VARIABLE} …)`)
    }
  }
  // A JSON null in a group variable is named once: not again for the default it left.
  const nullKeys = nullSettingKeys(input)
  return [...nullKeys.map(nullInGroupProblem), ...problems.filter(problem => !nullKeys.some(key => problem.startsWith(`${describe(key)} `)))]
}

/**
 * Throws `InvalidConfigError` naming every bad key; with the process's `env` (at boot), also every
 * `NUXT_BACKGROUND_JOBS_*` variable Nitro read as no value (config-env-null.ts).
 */
export function assertValidConfig(config: BackgroundJobsConfig, input?: unknown, env?: Record<string, string | undefined>): void {
  // A variable read as no value is named once: not again for the default it left (`…_REDIS_URL=null`
  // is also a Redis URL missing), which would read as a second mistake to fix.
  const noValue = new Set(env ? noValueEnvNames(env) : [])
  const problems = [
    ...(env ? noValueEnvProblems(env) : []),
    ...configProblems(config, { input }).filter(problem => !noValue.has(/^backgroundJobs\.\S+ \((\w+)\)/.exec(problem)?.[1] ?? '')),
  ]
  if (problems.length > 0) throw new InvalidConfigError(problems)
}
