/**
 * The small surface the `redis` provider needs from a Redis client: raw commands, Lua scripts by
 * SHA (reloaded when Redis forgot them), and a second connection for pub/sub. The `redis` package
 * (node-redis) is imported on first use, so apps on another provider need not install it.
 */
import { createHash } from 'node:crypto'
import { createCallDeadline } from './call-deadline'
import { refusalOf } from './redis-refusal'
import { withinHandshakeDeadline } from './redis-handshake-deadline'
import { redactUrl } from './redis-url-redaction'
import { isAuthRefusal, RedisAuthRefusedError, RedisPackageMissingError, RedisUnavailableError, RedisUnreachableError, REDIS_RETRY_AFTER_SECONDS } from './redis-errors'
import type { RedisConnection, RedisConnectionOptions } from './redis-connection'
import { newConnectionProbe, silentSocketMs, watchForStall } from './redis-stall-check'
import { closeClients } from './redis-close'
import { createTimerSet } from '../timers'

export { redactUrl }
export { RedisAuthRefusedError, RedisPackageMissingError, RedisUnavailableError, RedisUnreachableError } from './redis-errors'
export type { RedisConnection, RedisConnectionOptions } from './redis-connection'

/** How long a command waits for its reply (`commandTimeoutMs`). */
const DEFAULT_COMMAND_TIMEOUT_MS = 5_000

/** How often each connection is probed for a silent death (`healthCheckMs`, redis-stall-check.ts). */
export const DEFAULT_HEALTH_CHECK_MS = 5_000

/** Commands that may wait for Redis's reply at once, per connection (`maxPendingCommands`). */
export const DEFAULT_MAX_PENDING_COMMANDS = 50_000

type NodeRedisClient = ReturnType<typeof import('redis').createClient>

/** Why a command past its deadline is withdrawn from the client's queue (one reason for all). */
const WITHDRAWN = new Error('The command waited past its deadline without being sent')

/** Shortest time between two drops of the command connection after READONLY replies. */
const READONLY_RECONNECT_INTERVAL_MS = 5_000

/** Longest pause between reconnect attempts after boot. */
const MAX_RECONNECT_DELAY_MS = 2_000

/** Connects to Redis (two connections: commands and pub/sub). Rejects naming the URL when it cannot. */
export async function connectRedis(options: RedisConnectionOptions): Promise<RedisConnection> {
  let redis: typeof import('redis')
  try {
    redis = await import('redis')
  }
  catch (error) {
    throw new RedisPackageMissingError(error)
  }
  const onError = options.onError ?? ((error: unknown) => console.error('[background-jobs] redis connection error', (error as Error)?.message ?? error))
  let booted = false
  const maxPending = options.maxPendingCommands ?? DEFAULT_MAX_PENDING_COMMANDS
  const create = () => {
    const client: NodeRedisClient = redis.createClient({
      url: options.url,
      socket: {
        connectTimeout: options.connectTimeoutMs ?? 5_000,
        // At boot one failure is final (a clear error); afterwards reconnect with a short backoff.
        reconnectStrategy: (retries: number, cause: Error) => (booted ? Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS) : cause),
        // A dead socket the probe cannot see (a handshake never answered) is dropped too.
        socketTimeout: silentSocketMs(options.healthCheckMs ?? DEFAULT_HEALTH_CHECK_MS, options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS),
      },
      // No timeout of the client's own: it would arm an `AbortSignal.timeout` per command (a timer,
      // and a DOMException when it fires, answered or not). Our deadline below bounds each command
      // and withdraws one that still waits to be written (`abortSignal`), which is all that timeout did.
      commandOptions: { timeout: 0 },
      commandsQueueMaxLength: maxPending,
    })
    // One report per drop of this connection: while Redis is down every reconnect attempt (about
    // one a second) emits an error, and a line for each would flood the log for the whole outage.
    let dropReported = false
    client.on('error', (error: unknown) => {
      if (!booted || dropReported) return
      dropReported = true
      onError(error)
    })
    client.on('ready', () => {
      dropReported = false
    })
    return client
  }
  let commands: NodeRedisClient
  let subscriber: NodeRedisClient
  try {
    commands = create()
    subscriber = create()
  }
  catch (error) {
    // A URL the client cannot read (the config check refuses most first): nothing to try again.
    throw new Error(`The redis provider cannot use the URL in NUXT_BACKGROUND_JOBS_REDIS_URL: ${(error as Error)?.message ?? String(error)}`, { cause: error })
  }
  try {
    // Bounded whole: a handshake Redis never answers would hold the boot for ever.
    await withinHandshakeDeadline(Promise.all([commands.connect(), subscriber.connect()]), options.connectTimeoutMs ?? 5_000, options.signal)
  }
  catch (error) {
    commands.destroy()
    subscriber.destroy()
    if (options.signal?.aborted) throw options.signal.reason
    throw isAuthRefusal(error) ? new RedisAuthRefusedError(options.url, error) : new RedisUnreachableError(options.url, error)
  }
  booted = true

  // Replies and messages each connection delivered (the stall check's sign of life).
  let commandsHeard = 0
  let subscriberHeard = 0
  const probeTimers = createTimerSet()

  const reconnectListeners = new Set<() => void>()
  let subscriberReady = true
  subscriber.on('end', () => {
    subscriberReady = false
  })
  subscriber.on('reconnecting', () => {
    subscriberReady = false
  })
  subscriber.on('ready', () => {
    if (subscriberReady) return
    subscriberReady = true
    for (const listener of [...reconnectListeners]) listener()
  })

  const commandsReconnectListeners = new Set<() => void>()
  let commandsReady = true
  /**
   * Why the command connection is down, once an attempt to reconnect failed (null while it is up,
   * and during the first attempt after a drop, which usually succeeds). While the pub/sub
   * connection is down too (Redis is, not just this one socket), commands fail at once naming it,
   * those already waiting in the client's offline queue too (`withdrawIfDown`). While the
   * pub/sub connection is up they wait: Redis answers, the command connection is about to come
   * back, and a follower's catch-up after its pub/sub reconnect must not fail meanwhile.
   */
  let downBecause: unknown = null
  // Every call still waiting then waits unsent (a written one's socket is gone, and with it the
  // call): its deadline expires at once, which withdraws it from the queue (`sendWithin`).
  const withdrawIfDown = () => downBecause !== null && !commands.isReady && !subscriber.isReady && deadline.expireAll()
  commands.on('end', () => {
    commandsReady = false
  })
  commands.on('reconnecting', () => {
    commandsReady = false
  })
  commands.on('error', (error: unknown) => {
    if (!commandsReady) downBecause = error
  })
  for (const client of [commands, subscriber]) client.on('error', withdrawIfDown)
  commands.on('ready', () => {
    downBecause = null
    if (commandsReady) return
    commandsReady = true
    for (const listener of [...commandsReconnectListeners]) listener()
  })

  const shas = new Map<string, string>()
  // node-redis's own command timeout would only cover the wait to be written: once a command is on
  // the socket it waits for its reply for ever (a Redis that is paused, or a network that drops
  // packets without a reset). So every command waits at most `commandTimeoutMs` for its reply,
  // and one still unwritten then is withdrawn (`sendWithin`).
  const timeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS
  const deadline = createCallDeadline({
    provider: 'redis',
    storeName: 'Redis',
    timeoutMs,
    timeoutVariable: 'NUXT_BACKGROUND_JOBS_REDIS_COMMAND_TIMEOUT_MS',
    retryAfterSeconds: REDIS_RETRY_AFTER_SECONDS,
  })
  // Redis's own replies (ERR, NOSCRIPT) pass as they are, except those that describe its state
  // (OOM, READONLY …: a 503 naming the cause); anything else means it was not reached.
  const heardCommand = <T>(reply: T) => {
    commandsHeard++
    return reply
  }
  const send = <T>(args: string[], abortSignal: AbortSignal) => (downBecause !== null && !commands.isReady && !subscriber.isReady ? Promise.reject(downBecause) : (commands.sendCommand(args, { abortSignal }) as Promise<T>).then(heardCommand)).catch((error: unknown) => {
    if (error instanceof redis.ErrorReply) {
      commandsHeard++
      if (error.message.startsWith('READONLY')) readOnlyReplied()
      throw refusalOf(error.message, error) ?? error
    }
    if ((error as Error)?.message === 'The queue is full') {
      throw new RedisUnavailableError(new Error(`${maxPending} commands already wait for its reply (maxPendingCommands): it is slow or paused`, { cause: error }))
    }
    throw new RedisUnavailableError(error)
  })
  const describeCommand = (args: string[]) => args[0] === 'EVALSHA' || args[0] === 'EVAL' ? 'a script call' : args[0] ?? 'a command'
  /**
   * Sends a command under the deadline. One that is still unwritten when the deadline passes (the
   * connection is down, it waits in the client's offline queue) is withdrawn, so it never runs
   * after its caller was told 503, and the 503 says the connection is down; one already written
   * may still run (Redis has it), and the 503 says Redis did not answer.
   */
  const sendWithin = <T>(args: string[], what = describeCommand(args)) => {
    const withdraw = new AbortController()
    const sent = send<T>(args, withdraw.signal)
    const expire = () => {
      withdraw.abort(WITHDRAWN)
      if (commands.isReady) return undefined
      return new RedisUnavailableError(downBecause ?? new Error(`the connection is down: ${what} waited ${timeoutMs} ms to be sent`))
    }
    return { sent, reply: deadline(sent, what, expire) }
  }
  const command = <T>(args: string[]) => sendWithin<T>(args).reply
  /**
   * After a failover the URL may reach the new primary while this connection stays with the old
   * one, now a replica that refuses every write (READONLY): node-redis reconnects when its socket
   * drops, never on a reply. So a READONLY reply has Redis close this connection (CLIENT KILL of its
   * own id; the client closes it itself when Redis refuses that) and the client connects again
   * through the URL; at most once per interval, so a URL that
   * does reach a replica (a mistake the 503 names) is not reconnected at every write.
   */
  let lastReadOnlyDropMs = Number.NEGATIVE_INFINITY
  const readOnlyReplied = () => {
    const nowMs = performance.now()
    if (nowMs - lastReadOnlyDropMs < READONLY_RECONNECT_INTERVAL_MS || !commands.isReady) return
    lastReadOnlyDropMs = nowMs
    void command<number>(['CLIENT', 'ID']).then(id => command(['CLIENT', 'KILL', 'ID', String(id), 'SKIPME', 'no'])).catch((error: unknown) => {
      // Refused (an ACL user without it, `-@dangerous`; a renamed command): the client drops it.
      if (!(error instanceof redis.ErrorReply) || !commands.isReady) return
      commands.destroy()
      commands.connect().catch(() => {})
    })
  }
  /** As `command`; a reply that comes after the deadline gave up goes to `onLate`. */
  const commandWithLateReply = async <T>(args: string[], onLate: (reply: T) => void, what?: string) => {
    const { sent, reply } = sendWithin<T>(args, what)
    try {
      return await reply
    }
    catch (error) {
      // Only the deadline's own error (not a refusal, not a closed connection) leaves the command
      // on its way: Redis may still run it.
      if ((error as Error)?.name === 'ProviderUnavailableError') void sent.then(onLate, () => undefined)
      throw error
    }
  }

  const answersNewConnection = newConnectionProbe(
    () => redis.createClient({ url: options.url, socket: { connectTimeout: timeoutMs, reconnectStrategy: false }, commandOptions: { timeout: 0 } }),
    ['PUBLISH', options.probeChannel ?? 'bgjobs:log:channel-check', '[]'],
    timeoutMs,
    probeTimers,
  )
  const watch = (client: NodeRedisClient, name: string, heard: () => number) => watchForStall({
    intervalMs: options.healthCheckMs ?? DEFAULT_HEALTH_CHECK_MS,
    timeoutMs,
    timers: probeTimers,
    ready: () => client.isReady,
    ping: () => client.sendCommand(['PING']).then(() => true, (error: unknown) => error instanceof redis.ErrorReply),
    heard,
    answersNewConnection,
    replace: () => {
      onError(new Error(`Redis did not answer a PING on the ${name} connection within ${timeoutMs} ms while a new connection got its answer: the connection went silent (half-open) and is replaced`))
      client.destroy()
      client.connect().catch(() => {})
    },
  })
  const stopWatching = [watch(commands, 'command', () => commandsHeard), watch(subscriber, 'pub/sub', () => subscriberHeard)]

  return {
    command,
    readOnlyReplied,
    async script<T>(source: string, args: string[], onLate?: (reply: T) => void, name?: string): Promise<T> {
      let sha = shas.get(source)
      if (!sha) shas.set(source, sha = createHash('sha1').update(source).digest('hex'))
      const run = (call: string[]) => onLate ? commandWithLateReply<T>(call, onLate, name) : sendWithin<T>(call, name).reply
      try {
        return await run(['EVALSHA', sha, '0', ...args])
      }
      catch (error) {
        if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error
        return await run(['EVAL', source, '0', ...args])
      }
    },
    async subscribe(channel, listener) {
      await subscriber.subscribe(channel, (message) => {
        subscriberHeard++
        listener(String(message))
      })
      subscriberHeard++
    },
    async unsubscribe(channel) {
      await subscriber.unsubscribe(channel)
      subscriberHeard++
    },
    onReconnect(listener) {
      reconnectListeners.add(listener)
      return () => {
        reconnectListeners.delete(listener)
      }
    },
    onCommandsReconnect(listener) {
      commandsReconnectListeners.add(listener)
      return () => {
        commandsReconnectListeners.delete(listener)
      }
    },
    async close() {
      for (const stop of stopWatching) stop()
      probeTimers.clearAll()
      reconnectListeners.clear()
      commandsReconnectListeners.clear()
      // At most one command timeout, then the sockets are dropped (at once for a connection that is down).
      await closeClients([commands, subscriber], closing => deadline(closing, 'closing'))
    },
  }
}
