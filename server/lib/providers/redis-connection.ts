/**
 * What the `redis` provider calls on Redis, and the options of a connection (made by
 * `connectRedis`, redis-client.ts).
 */

/** What the provider calls on Redis. */
export interface RedisConnection {
  /** Sends one command; resolves with the raw reply (strings, numbers, arrays, null). */
  command<T = unknown>(args: string[]): Promise<T>
  /**
   * Runs a Lua script (EVALSHA, falling back to EVAL after a Redis restart). `onLate` gets the
   * reply of a call that timed out (the caller was told 503) but that Redis ran anyway, later.
   * `name` is what a timeout's message calls it (`the append script`). @default 'a script call'
   */
  script<T = unknown>(source: string, args: string[], onLate?: (reply: T) => void, name?: string): Promise<T>
  /** Subscribes the pub/sub connection to a channel; resolves once Redis confirmed it. */
  subscribe(channel: string, listener: (message: string) => void): Promise<void>
  unsubscribe(channel: string): Promise<void>
  /** Called after the pub/sub connection came back from a drop (messages may have been missed). */
  onReconnect(listener: () => void): () => void
  /**
   * Called after the command connection came back from a drop: the Redis behind the URL may be
   * another one now (a restart with another config, a failover), so what was checked at connect is
   * checked again.
   */
  onCommandsReconnect(listener: () => void): () => void
  /**
   * Redis answered READONLY inside a script's own reply (a job's append in a group): handled as a
   * READONLY reply to a command is — the connection is dropped, so it reconnects to the URL's
   * primary (after a failover).
   */
  readOnlyReplied(): void
  close(): Promise<void>
}

/** Options of a connection. */
export interface RedisConnectionOptions {
  url: string
  /** Per-command timeout. @default 5000 */
  commandTimeoutMs?: number
  /**
   * Commands that may wait for Redis's reply at once; past it a command fails at once (503). A
   * command whose caller stopped waiting (`commandTimeoutMs`) stays queued until Redis answers, so
   * without a bound a paused Redis gathers every request and retry, and runs them all late. High
   * enough for the burst of catch-up reads after a pub/sub reconnect (a few per followed job, one
   * per recent job of each user with a notification stream).
   * @default 50000
   */
  maxPendingCommands?: number
  /**
   * How often each connection sends a PING: one that gets no reply within `commandTimeoutMs` while
   * a new connection gets Redis's answer went silent without a reset (half-open TCP) and is
   * replaced (redis-stall-check.ts). 0 turns the probe off. @default 5000
   */
  healthCheckMs?: number
  /**
   * A channel the probe's new connection publishes to (one the user may publish to, nobody reads).
   * @default 'bgjobs:log:channel-check'
   */
  probeChannel?: string
  /** How long the first connection (TCP and handshake) may take before boot fails. @default 5000 */
  connectTimeoutMs?: number
  /** Called with connection errors after boot (the client reconnects by itself). */
  onError?: (error: unknown) => void
  /** Aborted when the provider is disposed: a first connection still under way is dropped at once. */
  signal?: AbortSignal
}
