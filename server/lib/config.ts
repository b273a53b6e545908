/**
 * The layer's configuration: defaults as named constants, merged once per read with `defu`.
 * Apps override it in `runtimeConfig.backgroundJobs` or with `NUXT_BACKGROUND_JOBS_*` variables;
 * it is read at request time, so a restart with new environment variables applies it.
 */
import { defu } from 'defu'

/** Default upstream: OpenRouter's OpenAI-compatible endpoint. */
export const DEFAULT_UPSTREAM_BASE_URL = 'https://openrouter.ai/api/v1'
/** Default model when a request names none. */
export const DEFAULT_MODEL = 'openai/gpt-4o-mini'
/** The model name the built-in scripted model answers to. */
export const SCRIPTED_MODEL = 'scripted/demo'

/** Every setting, with its unit in its name. */
export interface BackgroundJobsConfig {
  /** Master switch; off → every route answers 503 naming the flag. @default true */
  enabled: boolean
  /** Which provider stores jobs. @default 'memory' */
  provider: 'memory' | 'convex' | 'redis'
  /** Convex deployment URL (provider `convex`). */
  convexUrl: string
  /**
   * The secret every call to the Convex functions carries (provider `convex`): the deployment's
   * `BACKGROUND_JOBS_SECRET`, at least 32 characters. Required with `convex`; a secret, so never public.
   */
  convexSecret: string
  /** Provider `convex`: a call that has not answered after this fails with 503 + Retry-After. @default 10000 */
  convexTimeoutMs: number
  /** Redis URL (provider `redis`), e.g. `redis://:password@redis:6379/0`. */
  redisUrl: string
  /** Prepended to every Redis key and channel, so apps can share one Redis. @default 'bgjobs:' */
  redisKeyPrefix: string
  /** This instance's id (multi-instance providers). @default a random id per process */
  instanceId: string
  /**
   * Secret (32+ characters) that seals the anonymous user cookie. Required when the provider is
   * shared between instances (every instance must read the others' cookies).
   * @default a random secret per process (memory provider only)
   */
  cookieSecret: string
  /**
   * Give users the resolve-user hook did not identify an anonymous id in a sealed cookie. Off:
   * such requests get 401 (an app with its own login). @default true
   */
  allowAnonymous: boolean
  upstream: {
    /** OpenAI-compatible base URL (`…/v1`); `/chat/completions` is appended. */
    baseUrl: string
    /**
     * API key. Also read from `OPENROUTER_API_KEY`. Empty: the built-in scripted model answers when
     * `scripted.enabled` (or in `nuxt dev`); otherwise job creation answers 503 naming this key.
     */
    apiKey: string
    /** The model used when a request names none. @default 'openai/gpt-4o-mini' */
    defaultModel: string
    /**
     * Comma-separated models a request may name (`model` in the body). Empty → only
     * `defaultModel`; `*` → any model on the operator's key. @default ''
     */
    allowedModels: string
    /** Give up when no first token came in this time. @default 30000 */
    firstTokenTimeoutMs: number
    /** Give up when the stream is silent this long after the first token. @default 30000 */
    stallTimeoutMs: number
    /** Retries on 429/5xx/network errors before the first token. @default 2 */
    maxRetries: number
    /** First retry delay; doubles each time (a `Retry-After` header wins). @default 500 */
    retryBaseDelayMs: number
  }
  scripted: {
    /**
     * Let the built-in scripted model answer when no API key is set (demos, offline development).
     * Always on in `nuxt dev`. Never on by default in a production build. @default false
     */
    enabled: boolean
    /** Pace of the built-in scripted model: milliseconds between chunks. @default 40 */
    chunkIntervalMs: number
    /** Characters per chunk. @default 6 */
    chunkChars: number
  }
  tools: {
    enabled: boolean
    /** Comma-separated tool names that are never offered. */
    disabled: string
    /** Comma-separated tool names that always run in an isolation worker, whatever their file says. */
    isolated: string
  }
  /** The worker threads of isolated tools (docs/tools.md). Read when the first isolated call starts the pool. */
  isolation: {
    /** Most isolated calls running at once (one worker thread each). @default 2 */
    maxWorkers: number
    /** Workers kept warm once the pool started. @default 1 */
    minWorkers: number
    /** Isolated calls that may wait for a worker; a call beyond that ends at once with an error result. @default 16 */
    maxQueue: number
    /** Heap cap of each worker in MB (V8 old generation); a tool above it fails with an error result. @default 128 */
    heapMb: number
    /** A worker above `minWorkers` idle this long is stopped. @default 30000 */
    idleTimeoutMs: number
  }
  workflows: {
    enabled: boolean
  }
  limits: {
    maxConcurrentJobs: number
    maxConcurrentJobsPerUser: number
    /** Seconds the client is told to wait after a 429 for concurrency. @default 5 */
    retryAfterSeconds: number
    /** Wall-clock limit of one job. @default 600000 (10 min) */
    jobTimeoutMs: number
    toolTimeoutMs: number
    maxSteps: number
    maxCallsPerStep: number
    /** Combined tool results per step above this are truncated with a notice. @default 51200 */
    maxResultBytes: number
    /** The same tool with the same arguments this many times stops the loop. @default 3 */
    maxRepeatedCalls: number
    /** Human input requests expire after this. @default 600000 */
    inputTimeoutMs: number
    /** Workflows: most nodes run in one job. @default 50 */
    maxNodesPerJob: number
    /** Workflows: one node's time limit. @default 120000 */
    nodeTimeoutMs: number
    /** Finished jobs stay readable this long, then are deleted. @default 3600000 (1 h) */
    retentionMs: number
    /** How often expired jobs are cleaned up. @default 60000 */
    cleanupIntervalMs: number
    /** Request bodies above this many bytes get 413. @default 262144 */
    maxBodyBytes: number
    maxMessages: number
    maxMessageChars: number
    maxToolsPerRequest: number
    /** Concurrent SSE connections per user. @default 20 */
    maxStreamsPerUser: number
    /** Concurrent SSE connections of all users on this instance. @default 10000 */
    maxStreams: number
    /** Job creations per user per minute. @default 60 */
    createPerMinute: number
    /** Input answers per user per minute. @default 120 */
    inputPerMinute: number
  }
  stream: {
    /** Text deltas within this window are merged into one event; one after a quiet window goes out at once and starts it (0 = off). @default 50 */
    batchWindowMs: number
    /** A comment line at most this often keeps proxies from closing idle streams. @default 15000 */
    heartbeatMs: number
    /** Bytes a slow viewer may have queued before it is resynced. @default 1048576 */
    viewerQueueBytes: number
    /** gzip the stream when the client accepts it. @default true */
    compression: boolean
  }
  persist: {
    /**
     * Multi-instance providers: write a running job's pending events at least this often; 0 → the
     * provider's own pace (Redis: as each batch window commits; Convex: every 500 ms). @default 0
     */
    intervalMs: number
    /** … or as soon as this many bytes are pending. @default 1024 */
    bytes: number
    /**
     * The most bytes of a job's events that may wait for the store (while it is unreachable);
     * past it the job ends `failed` with the code `store-unreachable`. @default 8388608 (8 MiB)
     */
    maxPendingBytes: number
  }
  lease: {
    /** Another instance takes a job over when its owner has not renewed the lease for this long. @default 15000 */
    durationMs: number
    /** How often the owner renews its leases (and every instance looks for lost ones). @default 5000 */
    heartbeatMs: number
  }
  recovery: {
    /**
     * What happens to a running chat job whose owner was lost: `fail` ends it `failed` with code
     * `owner-lost` and the stored text; `continue` runs it on another instance, asking the model to
     * continue from the stored text. Workflows always resume from their last finished node.
     * @default 'fail'
     */
    chat: 'fail' | 'continue'
  }
  /** Bearer token for the ops metrics route; empty → the route is off (404). */
  metricsToken: string
  /**
   * OpenTelemetry spans (docs/observability.md). Spans go to the SDK the app registers; with none,
   * every call is a no-op. Content and user ids stay out of spans unless switched on here.
   */
  telemetry: {
    /** Record spans for jobs, model rounds, tool calls and workflow nodes. @default true */
    enabled: boolean
    /** Put the job's user id on its span (`user.id`). @default false */
    recordUserId: boolean
    /**
     * Put prompts, answers, tool arguments and results, input prompts and answers and error messages
     * into spans (each cut to `maxContentChars`). Off, spans carry ids, names, counts and codes only.
     * @default false
     */
    recordContent: boolean
    /** The most characters of one content attribute when `recordContent` is on. @default 4096 */
    maxContentChars: number
  }
}

/** Every default, in one place. */
export const DEFAULT_CONFIG: BackgroundJobsConfig = {
  enabled: true,
  provider: 'memory',
  convexUrl: '',
  convexSecret: '',
  convexTimeoutMs: 10_000,
  redisUrl: '',
  redisKeyPrefix: 'bgjobs:',
  instanceId: '',
  cookieSecret: '',
  allowAnonymous: true,
  upstream: {
    baseUrl: DEFAULT_UPSTREAM_BASE_URL,
    apiKey: '',
    defaultModel: DEFAULT_MODEL,
    allowedModels: '',
    firstTokenTimeoutMs: 30_000,
    stallTimeoutMs: 30_000,
    maxRetries: 2,
    retryBaseDelayMs: 500,
  },
  scripted: { enabled: false, chunkIntervalMs: 40, chunkChars: 6 },
  tools: { enabled: true, disabled: '', isolated: '' },
  isolation: { maxWorkers: 2, minWorkers: 1, maxQueue: 16, heapMb: 128, idleTimeoutMs: 30_000 },
  workflows: { enabled: true },
  limits: {
    maxConcurrentJobs: 200,
    maxConcurrentJobsPerUser: 10,
    retryAfterSeconds: 5,
    jobTimeoutMs: 600_000,
    toolTimeoutMs: 10_000,
    maxSteps: 10,
    maxCallsPerStep: 20,
    maxResultBytes: 51_200,
    maxRepeatedCalls: 3,
    inputTimeoutMs: 600_000,
    maxNodesPerJob: 50,
    nodeTimeoutMs: 120_000,
    retentionMs: 3_600_000,
    cleanupIntervalMs: 60_000,
    maxBodyBytes: 262_144,
    maxMessages: 200,
    maxMessageChars: 100_000,
    maxToolsPerRequest: 32,
    maxStreamsPerUser: 20,
    maxStreams: 10_000,
    createPerMinute: 60,
    inputPerMinute: 120,
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

/** Merges a partial configuration over the defaults and fills derived values. */
export function resolveConfig(input: BackgroundJobsConfigInput = {}, env: Record<string, string | undefined> = {}, context: ConfigContext = {}): BackgroundJobsConfig {
  const config = defu(input as BackgroundJobsConfig, DEFAULT_CONFIG)
  if (!config.upstream.apiKey && env.OPENROUTER_API_KEY) {
    config.upstream = { ...config.upstream, apiKey: env.OPENROUTER_API_KEY }
  }
  // Env overrides arrive as strings for booleans set to "false" in some setups.
  config.enabled = parseBoolean(config.enabled)
  config.tools = { ...config.tools, enabled: parseBoolean(config.tools.enabled) }
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

function parseBoolean(value: unknown): boolean {
  if (typeof value === 'string') return !['false', '0', 'off', 'no', ''].includes(value.trim().toLowerCase())
  return Boolean(value)
}

/** The names of a comma-separated setting as a set. */
function nameSet(value: unknown): Set<string> {
  return new Set(String(value ?? '').split(',').map(name => name.trim()).filter(Boolean))
}

/** The disabled tool names as a set. */
export function disabledToolNames(config: BackgroundJobsConfig): Set<string> {
  return nameSet(config.tools.disabled)
}

/** The tools the operator forces into isolation workers. */
export function isolatedToolNames(config: BackgroundJobsConfig): Set<string> {
  return nameSet(config.tools.isolated)
}

/** The models a request may name (the default model when none are listed), or null when `*` allows any. */
export function allowedModelNames(config: BackgroundJobsConfig): Set<string> | null {
  const names = nameSet(config.upstream.allowedModels)
  if (names.has('*')) return null
  return names.size > 0 ? names : new Set([config.upstream.defaultModel])
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
