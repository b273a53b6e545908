/**
 * The layer's configuration: defaults as named constants, merged once per read with `defu`.
 * Apps override it in `runtimeConfig.backgroundJobs` or with `NUXT_BACKGROUND_JOBS_*` variables;
 * it is read at request time, so a restart with new environment variables applies it.
 */
import { defu } from 'defu'
import type { BackgroundJobsConfig } from './config-types'
import { parseBoolean } from './config-booleans'
import { singleQuotedTextsUnquoted } from './config-single-quotes'

export type { BackgroundJobsConfig } from './config-types'

/** Default upstream: OpenRouter's OpenAI-compatible endpoint. */
export const DEFAULT_UPSTREAM_BASE_URL = 'https://openrouter.ai/api/v1'
/** Default model when a request names none. */
export const DEFAULT_MODEL = 'openai/gpt-4o-mini'
/** The model name the built-in scripted model answers to. */
export const SCRIPTED_MODEL = 'scripted/demo'

/** Every default, in one place. */
export const DEFAULT_CONFIG: BackgroundJobsConfig = {
  enabled: true,
  provider: 'memory',
  convexUrl: '',
  convexSecret: '',
  convexTimeoutMs: 10_000,
  redisUrl: '',
  redisKeyPrefix: 'bgjobs:',
  redisHealthCheckMs: 5_000,
  redisCommandTimeoutMs: 5_000,
  instanceId: '',
  cookieSecret: '',
  cookieSecretPrevious: '',
  allowAnonymous: true,
  trustedOrigins: '',
  trustedProxies: 0,
  trustedProxyAddresses: '',
  // A /64: one host's or one home's network (http/client-address.ts).
  clientIpv6PrefixLength: 64,
  allowPreset: '',
  upstream: {
    baseUrl: DEFAULT_UPSTREAM_BASE_URL,
    apiKey: '',
    defaultModel: DEFAULT_MODEL,
    allowedModels: '',
    firstTokenTimeoutMs: 30_000,
    stallTimeoutMs: 30_000,
    maxRetries: 2,
    retryBaseDelayMs: 500,
    maxRetryDelayMs: 20_000,
    // Off: no one size fits every model (4k to 2M tokens), and a budget too small makes the model
    // forget a thread's start unasked; the endpoint's 400 names these settings instead.
    contextTokens: 0,
    modelContextTokens: '',
  },
  scripted: { enabled: false, chunkIntervalMs: 40, chunkChars: 6 },
  tools: { enabled: true, disabled: '', isolated: '', errorMessages: 'tool-errors' },
  isolation: { maxWorkers: 2, maxWorkersPerUser: 1, minWorkers: 1, maxQueue: 32, queueTimeoutMs: 30_000, heapMb: 128, idleTimeoutMs: 30_000 },
  workflows: { enabled: true },
  limits: {
    maxConcurrentJobs: 200,
    maxConcurrentJobsPerUser: 10,
    // Two users' worth: a client that drops its cookie is a new user per job, so without it one
    // address held its creation rate × the job time in running jobs (docs/decisions).
    maxConcurrentAnonymousJobsPerAddress: 20,
    retryAfterSeconds: 5,
    jobTimeoutMs: 600_000,
    toolTimeoutMs: 10_000,
    maxSteps: 10,
    maxCallsPerStep: 20,
    maxResultBytes: 51_200,
    maxRepeatedCalls: 3,
    // Shorter than jobTimeoutMs (which counts waits too), so an unanswered question's onTimeout can apply.
    inputTimeoutMs: 300_000,
    maxNodesPerJob: 50,
    nodeTimeoutMs: 120_000,
    retentionMs: 3_600_000,
    cleanupIntervalMs: 60_000,
    maxBodyBytes: 262_144,
    maxChatBodyBytes: 4_194_304,
    maxMessages: 200,
    maxMessageChars: 100_000,
    maxToolsPerRequest: 32,
    maxStreamsPerUser: 20,
    maxStreams: 10_000,
    // Ten users' worth (maxStreamsPerUser 20): a client without cookies, a new user per stream,
    // cannot hold the instance's maxStreams from one address (docs/decisions).
    maxAnonymousStreamsPerAddress: 200,
    createPerMinute: 60,
    inputPerMinute: 120,
    deletePerMinute: 120,
    renamePerMinute: 60,
    // On: a client that drops its cookie is a new user per request, which no per-user limit holds
    // back (docs/decisions: anonymous creations limited by default). The same as createPerMinute,
    // so a lone visitor is never held back sooner by its address than by its own window.
    anonymousCreatePerMinute: 60,
  },
  stream: { batchWindowMs: 50, heartbeatMs: 15_000, viewerQueueBytes: 1_048_576, compression: true },
  persist: { intervalMs: 0, bytes: 1024, maxPendingBytes: 8_388_608 },
  lease: { durationMs: 15_000, heartbeatMs: 5_000 },
  recovery: { chat: 'fail' },
  metricsToken: '',
  telemetry: { enabled: true, recordUserId: false, recordContent: false, maxContentChars: 4096 },
}

/** A partial configuration, as apps and tests give it. */
export type BackgroundJobsConfigInput = {
  [K in keyof BackgroundJobsConfig]?: BackgroundJobsConfig[K] extends object
    ? Partial<BackgroundJobsConfig[K]>
    : BackgroundJobsConfig[K]
}

/** Where the configuration is read. */
export interface ConfigContext {
  /** `nuxt dev`: the scripted model answers when no API key is set. @default false */
  dev?: boolean
}

/** Whether `baseUrl` is OpenRouter's API (the one upstream `OPENROUTER_API_KEY` is read for). */
export function isOpenRouterUrl(baseUrl: string): boolean {
  try {
    const host = new URL(baseUrl).hostname.toLowerCase()
    return host === 'openrouter.ai' || host.endsWith('.openrouter.ai')
  }
  catch {
    return false
  }
}

/** Merges a partial configuration over the defaults and fills derived values. */
export function resolveConfig(input: BackgroundJobsConfigInput = {}, env: Record<string, string | undefined> = {}, context: ConfigContext = {}): BackgroundJobsConfig {
  const config = defu(input as BackgroundJobsConfig, DEFAULT_CONFIG)
  textSettingsAsText(config, DEFAULT_CONFIG, env)
  singleQuotedTextsUnquoted(config, DEFAULT_CONFIG, env, envNameOf)
  quotedNumbersAsNumbers(config, DEFAULT_CONFIG, env)
  // A key is never whitespace (a secret file's newline, `KEY= ` in an `--env-file`): the model client
  // sends it trimmed, so one of only whitespace was no key there, yet counted as one here (no boot
  // warning, no OPENROUTER_API_KEY, no scripted model in dev), and every job failed on a 401.
  if (typeof config.upstream.apiKey === 'string') config.upstream = { ...config.upstream, apiKey: config.upstream.apiKey.trim() }
  // OpenRouter's key goes to OpenRouter only: with another base URL it would be sent as the
  // bearer token to a host it does not belong to (an app that uses OpenRouter elsewhere).
  // Trimmed too: one of only whitespace is no key.
  const openRouterKey = env.OPENROUTER_API_KEY?.trim()
  if (!config.upstream.apiKey && openRouterKey && isOpenRouterUrl(config.upstream.baseUrl)) {
    config.upstream = { ...config.upstream, apiKey: openRouterKey }
  }
  // A model id holds no whitespace: around it (`--env-file` keeps a trailing space) it would be sent
  // upstream as an unknown model, and a request naming the model (trimmed) refused as not allowed.
  if (typeof config.upstream.defaultModel === 'string') config.upstream = { ...config.upstream, defaultModel: config.upstream.defaultModel.trim() }
  // Nor does a URL: the boot check's `new URL` drops it, but the chat endpoint became `…/v1%20/chat/completions`
  // and the Convex client refused the address with a bare "Invalid URL".
  if (typeof config.upstream.baseUrl === 'string') config.upstream = { ...config.upstream, baseUrl: config.upstream.baseUrl.trim() }
  // The Convex client appends its path to the address as written: `…convex.cloud/` became `//api/…`.
  if (typeof config.convexUrl === 'string') config.convexUrl = config.convexUrl.trim().replace(/(?<=^[a-z][a-z\d+.-]*:\/\/[^/?#]+)\/+$/i, '')
  if (typeof config.redisUrl === 'string') config.redisUrl = config.redisUrl.trim()
  // Names hold none either (`KEY=redis ` in an env file): `redis ` stopped the boot as an unknown
  // provider, and an instance id was registered and logged with the space. The Redis key prefix is
  // not trimmed but refused (config-validate.ts): trimmed, an app running on it would lose its keys.
  if (typeof config.provider === 'string') config.provider = config.provider.trim() as BackgroundJobsConfig['provider']
  if (typeof config.recovery.chat === 'string') config.recovery = { ...config.recovery, chat: config.recovery.chat.trim() as BackgroundJobsConfig['recovery']['chat'] }
  if (typeof config.instanceId === 'string') config.instanceId = config.instanceId.trim()
  // Env overrides arrive as strings for booleans set to "false" in some setups.
  config.enabled = parseBoolean(config.enabled)
  config.tools = { ...config.tools, enabled: parseBoolean(config.tools.enabled) }
  if (typeof config.tools.errorMessages === 'string') config.tools.errorMessages = config.tools.errorMessages.trim() as BackgroundJobsConfig['tools']['errorMessages']
  config.workflows = { ...config.workflows, enabled: parseBoolean(config.workflows.enabled) }
  config.stream = { ...config.stream, compression: parseBoolean(config.stream.compression) }
  config.allowAnonymous = parseBoolean(config.allowAnonymous)
  config.scripted = { ...config.scripted, enabled: context.dev === true || parseBoolean(config.scripted.enabled) }
  config.telemetry = {
    ...config.telemetry,
    enabled: parseBoolean(config.telemetry.enabled),
    recordUserId: parseBoolean(config.telemetry.recordUserId),
    recordContent: parseBoolean(config.telemetry.recordContent),
  }
  return config
}

/**
 * Nitro reads `NUXT_BACKGROUND_JOBS_*` variables with destr, so a text setting whose value looks
 * like a number or a word of JSON arrives as one (`INSTANCE_ID=1` → `1`, `UPSTREAM_DEFAULT_MODEL=true`
 * → `true`): turned back into text, which is what every reader of a text setting expects — the
 * variable's own text when it set it (`String()` of the number would change a token like
 * `9999999999999999` or `1.50`). A list given as a JSON array (`["a","b"]`) becomes the
 * comma-separated form.
 */
function textSettingsAsText(config: object, defaults: object, env: Record<string, string | undefined>, prefix = ''): void {
  const values = config as Record<string, unknown>
  for (const [name, fallback] of Object.entries(defaults)) {
    const value = values[name]
    const key = `${prefix}${name}`
    if (fallback !== null && typeof fallback === 'object') {
      if (value !== null && typeof value === 'object') textSettingsAsText(value, fallback, env, `${key}.`)
    }
    else if (typeof fallback === 'string' && (typeof value === 'number' || typeof value === 'boolean' || Array.isArray(value))) {
      const written = env[envNameOf(key)]
      values[name] = Array.isArray(value) ? value.join(',') : written !== undefined ? written.trim() : String(value)
    }
  }
}

/** A decimal number as JSON writes it (what Nitro reads as a number when it stands unquoted). */
const DECIMAL_NUMBER = /^-?\d+(\.\d+)?([Ee][+-]?\d+)?$/

/**
 * A number setting whose variable wrote the number in double quotes (`…_MAX_STEPS="5"`: `docker
 * run --env-file` keeps quotes) arrives as the text `5`: Nitro's destr takes the quotes off, as it
 * does for a quoted text or on/off word, which then work. Read as the number it is, instead of the
 * boot error `must be a number, got "5"`, which showed what looked like a number. Only for a
 * variable written in quotes: a text given in nuxt.config stays a type error.
 */
function quotedNumbersAsNumbers(config: object, defaults: object, env: Record<string, string | undefined>, prefix = ''): void {
  const values = config as Record<string, unknown>
  for (const [name, fallback] of Object.entries(defaults)) {
    const value = values[name]
    const key = `${prefix}${name}`
    if (fallback !== null && typeof fallback === 'object') {
      if (value !== null && typeof value === 'object') quotedNumbersAsNumbers(value, fallback, env, `${key}.`)
    }
    else if (typeof fallback === 'number' && typeof value === 'string' && DECIMAL_NUMBER.test(value.trim()) && env[envNameOf(key)]?.trim().startsWith('"')) {
      values[name] = Number(value.trim())
    }
  }
}

/** The names of a list setting as a set: separated by commas, spaces or both. */
function nameSet(value: unknown): Set<string> {
  return new Set(String(value ?? '').split(/[\s,]+/).filter(Boolean))
}

/** The disabled tool names as a set. */
export function disabledToolNames(config: BackgroundJobsConfig): Set<string> {
  return nameSet(config.tools.disabled)
}

/** The tools the operator forces into isolation workers. */
export function isolatedToolNames(config: BackgroundJobsConfig): Set<string> {
  return nameSet(config.tools.isolated)
}

/** The origins of `trustedOrigins` as a set. */
export function trustedOriginSet(config: BackgroundJobsConfig): Set<string> {
  return nameSet(config.trustedOrigins)
}

/**
 * The metrics token, without whitespace around it (a secret file's trailing newline): a request
 * header cannot carry that whitespace, so a token kept with it could never be matched. Empty: off.
 */
export function metricsTokenOf(config: BackgroundJobsConfig): string {
  return String(config.metricsToken ?? '').trim()
}

/**
 * The Convex secret, without whitespace around it (a secret file's trailing newline): the
 * deployment compares it exactly with its own `BACKGROUND_JOBS_SECRET`, so sent with it every call
 * was refused, although the two looked alike. Empty: none.
 */
export function convexSecretOf(config: BackgroundJobsConfig): string {
  return String(config.convexSecret ?? '').trim()
}

/**
 * The models a request may name: the listed ones and the default model (which a request naming
 * none gets anyway), or null when `*` allows any.
 */
export function allowedModelNames(config: BackgroundJobsConfig): Set<string> | null {
  const names = nameSet(config.upstream.allowedModels)
  if (names.has('*')) return null
  return names.add(config.upstream.defaultModel)
}

/** True when the built-in scripted model answers: no API key, and the scripted model is enabled. */
export function usesScriptedModel(config: BackgroundJobsConfig): boolean {
  return !config.upstream.apiKey && config.scripted.enabled
}

/** True when some model can answer: an API key, or the enabled scripted model. */
export function hasModel(config: BackgroundJobsConfig): boolean {
  return Boolean(config.upstream.apiKey) || config.scripted.enabled
}

/** The environment variable that sets a key: `limits.jobTimeoutMs` → `NUXT_BACKGROUND_JOBS_LIMITS_JOB_TIMEOUT_MS`. */
export function envNameOf(key: string): string {
  return `NUXT_BACKGROUND_JOBS_${key.replace(/\./g, '_').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`
}
