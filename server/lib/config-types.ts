/**
 * The shape of the layer's configuration (`runtimeConfig.backgroundJobs`): every setting with its
 * unit in its name and its default in JSDoc. The defaults themselves are in config.ts.
 */

/** Every setting, with its unit in its name. */
export interface BackgroundJobsConfig {
  /** Master switch; off → every route answers 503 naming the flag (the metrics route still answers). @default true */
  enabled: boolean
  /** Which provider stores jobs. @default 'memory' */
  provider: 'memory' | 'convex' | 'redis'
  /** Convex deployment URL (provider `convex`). @default '' */
  convexUrl: string
  /**
   * The secret every call to the Convex functions carries (provider `convex`): the deployment's
   * `BACKGROUND_JOBS_SECRET`, at least 32 characters. Required with `convex`; a secret, so never public.
   * @default ''
   */
  convexSecret: string
  /** Provider `convex`: a call that has not answered after this fails with 503 + Retry-After. @default 10000 */
  convexTimeoutMs: number
  /** Redis URL (provider `redis`), e.g. `redis://:password@redis:6379/0`. @default '' */
  redisUrl: string
  /** Prepended to every Redis key and channel, so apps can share one Redis. @default 'bgjobs:' */
  redisKeyPrefix: string
  /**
   * Provider `redis`: how often each connection sends a PING; one unanswered within the command
   * timeout while a new connection gets Redis's answer went silent without a reset (half-open TCP)
   * and is replaced. 0 turns the probe off. @default 5000
   */
  redisHealthCheckMs: number
  /**
   * Provider `redis`: how long a command waits for Redis's reply (and an unsent one waits to be
   * sent) before it fails with 503 + Retry-After. Also the half-open probe's wait. @default 5000
   */
  redisCommandTimeoutMs: number
  /** This instance's id (multi-instance providers). @default a random id per process */
  instanceId: string
  /**
   * Secret (32+ characters) that seals the anonymous user cookie. Required when the provider is
   * shared between instances (every instance must read the others' cookies).
   * @default a random secret per process (memory provider only)
   */
  cookieSecret: string
  /**
   * While `cookieSecret` is rotated, the previous secret: a cookie sealed with it is still its user,
   * and is sealed again with `cookieSecret`. Unset it once the rotation is over. @default ''
   */
  cookieSecretPrevious: string
  /**
   * Give users the resolve-user hook did not identify an anonymous id in a sealed cookie. Off:
   * such requests get 401 (an app with its own login). @default true
   */
  allowAnonymous: boolean
  /**
   * Origins of pages on other sites that may start, abort and answer jobs (comma-separated, e.g.
   * `https://app.example.com,https://admin.example.com`): every other cross-site or same-site
   * (sibling subdomain) request that changes something is refused with 403. Only for a front end
   * served from another origin that calls these routes with the app's own CORS. @default ''
   */
  trustedOrigins: string
  /**
   * How many reverse proxies in front of the app append the client's address to
   * `X-Forwarded-For`: the client address is that many entries from its right end. 0 (no proxy)
   * uses the connection's address, and `X-Forwarded-For` is never read. Only
   * the anonymous users' per-address limits (`limits.anonymousCreatePerMinute`,
   * `maxConcurrentAnonymousJobsPerAddress`, `maxAnonymousStreamsPerAddress`) and the metrics
   * route's guess limit use the client address. @default 0
   */
  trustedProxies: number
  /**
   * The reverse proxies in front of the app by address: IPs and CIDR ranges, IPv4 and IPv6,
   * comma-separated (`10.0.0.0/8,fd00::/8`). Set, `X-Forwarded-For` is read only when the
   * connection comes from a listed proxy (a client reaching the app directly cannot name an address),
   * and the client is its first entry from the right that is not a listed proxy. Replaces
   * `trustedProxies` (giving both is a boot error: decision 031). @default '' (the count is used)
   */
  trustedProxyAddresses: string
  /**
   * How many leading bits of an IPv6 client address the per-address limits count it by: 64 (a
   * /64, what a home or a VM gets), or shorter where each client gets a /56 or a /48 and could
   * otherwise rotate through its /64s. 32 to 128. IPv4 addresses count as they are.
   * @default 64
   */
  clientIpv6PrefixLength: number
  /**
   * Nitro presets (comma-separated names) to build and run on although the layer refuses them:
   * serverless, edge and static presets stop the build, `node-cluster` with the `memory` provider
   * and several workers stops the boot (docs/where-it-runs.md). Only for a deployment you
   * know keeps one long-lived process. @default ''
   */
  allowPreset: string
  upstream: {
    /** OpenAI-compatible base URL (`…/v1`); `/chat/completions` is appended. @default 'https://openrouter.ai/api/v1' */
    baseUrl: string
    /**
     * API key. Also read from `OPENROUTER_API_KEY` while `baseUrl` is OpenRouter's (never sent
     * to another host). Empty: the built-in scripted model answers when
     * `scripted.enabled` (or in `nuxt dev`); otherwise starting a chat job, or a workflow with an
     * `agent` node, answers 503 naming this key. @default ''
     */
    apiKey: string
    /** The model used when a request names none. @default 'openai/gpt-4o-mini' */
    defaultModel: string
    /**
     * Comma-separated models a request may name (`model` in the body) besides `defaultModel`,
     * which is always allowed. Empty → only `defaultModel`; `*` → any model on the operator's key. @default ''
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
    /**
     * Longest wait before a retry. A `Retry-After` asking for more is not waited for: the job
     * fails at once with `upstream-rate-limited`, naming the wait. @default 20000
     */
    maxRetryDelayMs: number
    /**
     * The context budget of every model, in tokens (estimated as UTF-8 bytes of the request's JSON / 4):
     * before each model round, the oldest whole turns of the history are left out until the request
     * fits; the system prompt and the newest user message (with the job's own rounds) always go, and
     * a request that does not fit even so fails the job with `context-budget-exceeded`. Set it below
     * the model's context window by the room its answer needs. 0: no budget, the history goes whole
     * (a thread longer than the window fails with the endpoint's 400). @default 0
     */
    contextTokens: number
    /**
     * The budget of named models, overriding `contextTokens`: comma-separated `model=tokens`
     * (`openai/gpt-4o-mini=120000,meta-llama/llama-3.1-8b-instruct=7000`; `=0`: no budget for that model). @default ''
     */
    modelContextTokens: string
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
    /** Off: no tool is offered to the model. @default true */
    enabled: boolean
    /** Comma-separated tool names that are never offered. @default '' */
    disabled: string
    /** Comma-separated tool names that always run in an isolation worker, whatever their file says. @default '' */
    isolated: string
    /**
     * Which messages a tool throws reach the model, the job's events and the user's page:
     * `tool-errors`, only a `ToolError`'s (any other reads `Tool "x" failed`, its message stays in the
     * server's log); `all`, every one (redacted for secret shapes). @default 'tool-errors'
     */
    errorMessages: 'tool-errors' | 'all'
  }
  /** The worker threads of isolated tools (docs/tool-isolation.md). Read when the first isolated call starts the pool. */
  isolation: {
    /** Most isolated calls running at once (one worker thread each). @default 2 */
    maxWorkers: number
    /**
     * Most workers one user's isolated calls hold while another user's call waits: a worker that
     * frees goes to a user holding fewer (in turns), never to one holding this many while such a
     * user waits. Work-conserving: when only users holding this many wait (a lone user's round of
     * calls), they still take every free worker, fewest held first (docs/decisions/017).
     * @default 1 (every user with a call waiting gets a worker before any gets a second one)
     */
    maxWorkersPerUser: number
    /** Workers kept warm once the pool started. @default 1 */
    minWorkers: number
    /** Isolated calls that may wait for a worker; a call beyond that ends at once with an error result. @default 32 (with `maxWorkers`, room for a whole round of `limits.maxCallsPerStep` calls) */
    maxQueue: number
    /**
     * Most time an isolated call waits for a free worker; past it, it ends with an error result, not run.
     * A tool's own time limit (`timeoutMs`) starts only when a worker starts the call. Read at each call. @default 30000
     */
    queueTimeoutMs: number
    /** Heap cap of each worker in MB (V8 old generation); a tool above it fails with an error result. @default 128 */
    heapMb: number
    /** A worker above `minWorkers` idle this long is stopped. @default 30000 */
    idleTimeoutMs: number
  }
  workflows: {
    /** Off: starting a workflow job answers 503. @default true */
    enabled: boolean
  }
  limits: {
    /** Jobs queued, running or waiting at once, all users and instances together (over it: 429). @default 200 */
    maxConcurrentJobs: number
    /** The same, per user. @default 10 */
    maxConcurrentJobsPerUser: number
    /**
     * The same, for the anonymous users of one client address together (an IPv4 address, an IPv6
     * /64), across instances: a client that drops its cookie is a new user per job, which
     * `maxConcurrentJobsPerUser` cannot hold back. Behind a proxy, set `trustedProxies` (else every
     * anonymous client shares the proxy's). 0 = off.
     * @default 20
     */
    maxConcurrentAnonymousJobsPerAddress: number
    /** Seconds the client is told to wait after a 429 for concurrency. @default 5 */
    retryAfterSeconds: number
    /** Wall-clock limit of one job. @default 600000 (10 min) */
    jobTimeoutMs: number
    /** One tool call's time limit (a tool's own `timeoutMs` wins). @default 10000 */
    toolTimeoutMs: number
    /** Model rounds of one chat job or agent node. @default 10 */
    maxSteps: number
    /** Tool calls the model may ask for in one round. @default 20 */
    maxCallsPerStep: number
    /** Combined tool results per step above this are truncated with a notice. @default 51200 */
    maxResultBytes: number
    /** The same tool with the same arguments this many times stops the loop (0: never). @default 3 */
    maxRepeatedCalls: number
    /** Human input requests expire after this. @default 300000 (5 min) */
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
    /**
     * Bodies of the AI SDK route (`POST /api/jobs/chat`) above this many bytes get 413. Larger than
     * `maxBodyBytes` because the SDK posts the whole chat back on every turn, tool inputs and
     * outputs included, of which the server reads only the text. @default 4194304 (4 MiB)
     */
    maxChatBodyBytes: number
    /** Messages of a chat request (`POST /api/jobs`: more is a 400; the AI SDK route sends the newest that fit). @default 200 */
    maxMessages: number
    /** Characters of one message. @default 100000 */
    maxMessageChars: number
    /** Tool names one request may pick. @default 32 */
    maxToolsPerRequest: number
    /** Concurrent SSE connections per user. @default 20 */
    maxStreamsPerUser: number
    /** Concurrent SSE connections of all users on this instance. @default 10000 */
    maxStreams: number
    /**
     * Concurrent SSE connections of anonymous users from one client address (an IPv4 address, an
     * IPv6 /64) on this instance: a client that drops its cookie is a new user per stream, which
     * `maxStreamsPerUser` cannot hold back. Behind a proxy, set `trustedProxies`. 0 = off.
     * @default 200
     */
    maxAnonymousStreamsPerAddress: number
    /** Job creations per user per minute. @default 60 */
    createPerMinute: number
    /** Input answers per user per minute. @default 120 */
    inputPerMinute: number
    /** Job deletions (`DELETE /api/jobs/:id`) per user per minute. @default 120 */
    deletePerMinute: number
    /** Thread renames (`PATCH /api/jobs/threads/:threadId`) per user per minute. @default 60 */
    renamePerMinute: number
    /**
     * Job creations per minute by anonymous users from one client address (an IPv4 address, an
     * IPv6 /64), across instances: a client that drops its cookie is a new anonymous user each
     * time, which `createPerMinute` cannot hold back. Behind a proxy, set `trustedProxies` (else every
     * anonymous client shares the proxy's window). 0 = off.
     * @default 60
     */
    anonymousCreatePerMinute: number
  }
  stream: {
    /** Text deltas within this window are merged into one event; one after a quiet window goes out at once and starts it (0 = off). @default 50 */
    batchWindowMs: number
    /** A comment line at most this often keeps proxies from closing idle streams. @default 15000 */
    heartbeatMs: number
    /** Bytes a slow viewer may have queued before it is resynced (at least the socket's own 16 KiB buffer is used). @default 1048576 */
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
     * continue from the stored rounds and text (and a graceful shutdown hands running chats off
     * instead of ending them `shutdown`). Workflows always resume from their last finished node.
     * @default 'fail'
     */
    chat: 'fail' | 'continue'
  }
  /** Bearer token for the ops metrics route; empty → the route is off (404). @default '' */
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
