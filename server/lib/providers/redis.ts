/**
 * The `redis` provider: jobs shared by many Nitro instances through one Redis (standalone or
 * Sentinel-managed; not Redis Cluster, whose scripts cannot span key slots). A job is a hash; its
 * log is a Stream of batches whose entry ids are the batch's last seq (`XRANGE` from a seq is the
 * catch-up; redis-log-read.ts); every write that checks and changes several keys is one Lua script
 * (the redis-*-script(s).ts files, their shared pieces in redis-lua-parts.ts), the compare-and-set
 * point for terminal status, seq continuity and the lease epoch. Viewers and owners on other instances follow a job by pub/sub (one channel per job per
 * instance, no polling; redis-follow.ts), user lists (redis-job-list.ts) and retention are sorted
 * sets. Key names: docs/providers.md.
 * Batching writes in time is the engine's part: this provider writes what it is given, once.
 */
import { randomUUID } from 'node:crypto'
import { JobNotFoundError, ShuttingDownError } from '../errors'
import type { RedisConnection } from './redis-client'
import { connectRedis } from './redis-client'
import type { ChannelHub } from './redis-follow'
import { createChannelHub } from './redis-follow'
import type { StreamEntries } from './redis-records'
import { decodeControl, decodeListedRecord, decodeRecord, eventHeads, LISTED_FIELDS, redisKeys } from './redis-records'
import { createRedisSubscriptions, DELETION_RECORD_MS } from './redis-subscriptions'
import { createRedisLogReads, normalizeSeq } from './redis-log-read'
import { createRedisJobList } from './redis-job-list'
import type { AppendReply } from './redis-append-batch'
import { createAppendBatcher } from './redis-append-batch'
import { addressSetLifeMs, createRedisCreation } from './redis-create'
import { appendErrorOf, appendFailureOf } from './redis-refusal'
import { evictionPolicyWarning } from './redis-eviction-check'
import { checkAccess } from './redis-key-check'
import { createInstanceRegistration } from './redis-instance-registration'
import { checkNotCluster, checkScriptsRun } from './redis-cluster-check'
import { checkVersion } from './redis-version-check'
import { APPEND_SCRIPT } from './redis-append-script'
import { createCloseRefusedEnd } from './redis-refused-end'
import { CLAIM_LEASE_SCRIPT, HEARTBEAT_LEASE_SCRIPT, LIST_EXPIRED_LEASES_SCRIPT } from './redis-lease-scripts'
import { DELETE_EXPIRED_SCRIPT, DELETE_JOB_SCRIPT } from './redis-delete-scripts'
import { JOB_LOST_SCRIPT } from './redis-gone-jobs'
import { REPLY_CONTROL_SCRIPT, SEND_CONTROL_SCRIPT } from './redis-control-scripts'
import { TAKE_RATE_SCRIPT } from './redis-rate-script'
import { GET_OWNED_SCRIPT } from './redis-owned-script'
import { scriptName } from './redis-script-names'
import type { AppendRefusal, ControlReply, DeleteOutcome, JobProvider, JobRecord } from './types'
import type { Metrics } from '../metrics'
import { useMetrics } from '../metrics'
import type { Logger } from '../logger'
import { createConsoleLogger } from '../logger'
import { reportLateCreationEnd } from '../failed-end'
import { createSubscriptionMetrics } from './subscription-metrics'
import type { SubscriptionFailureReport } from './subscription-metrics'
import { createRedisThreads } from './redis-threads'

/** Options of `createRedisProvider`. */
export interface RedisProviderOptions {
  /** `redis[s]://[[user]:password@]host[:port][/db]`. */
  url: string
  /** Prepended to every key and channel, so several apps can share one Redis. @default 'bgjobs:' */
  keyPrefix?: string
  /**
   * This instance's clock, for what it keeps to itself (when a user feed last heard from Redis).
   * Leases, lease expiry, rate windows and the time stamp of controls never read it: they use
   * Redis's clock, so instances whose clocks disagree still agree on them. @default Date.now
   */
  now?: () => number
  /**
   * Tests only: a fake clock the scripts judge leases, lease expiry and rate windows by, instead of
   * Redis's own (`TIME`), so a test can move time. Leave it unset in production. @default Redis's clock
   */
  storeClock?: () => number
  /** Per-command timeout. @default 5000 */
  commandTimeoutMs?: number
  /** Commands that may wait for Redis's reply at once, per connection; past it a 503 at once (redis-client.ts). @default 50000 */
  maxPendingCommands?: number
  /**
   * How often each connection is probed: one silent past `commandTimeoutMs` while a new connection
   * gets Redis's answer (half-open TCP) is replaced (redis-stall-check.ts); 0 turns it off. @default 5000
   */
  healthCheckMs?: number
  /**
   * Called when a subscription or connection fails after boot; `context.jobId` names the job a
   * subscription to one job's events, controls or control reply follows. @default logs to the console
   */
  onError?: SubscriptionFailureReport
  /** Where subscription failures and pub/sub reconnects, and the ends of creations stored too late, are counted. @default the process registry */
  metrics?: Metrics
  /** Where the `job ended` line of a creation the provider ended (stored after its caller gave up) goes. @default the console logger */
  logger?: Logger
  /**
   * Called at connect with what is wrong in Redis's own settings (an eviction policy other than
   * `noeviction`, redis-eviction-check.ts). @default logs to the console
   */
  onWarning?: (message: string) => void
  /**
   * Appends of all jobs arriving within this window go to Redis as one script call (group
   * commit, redis-append-batch.ts); the first after a quiet window goes out at once. 0 groups
   * only the appends of one event-loop turn. @default 5
   */
  appendWindowMs?: number
  /**
   * The jobs' time limit (`limits.jobTimeoutMs`): an anonymous client address's active set
   * (`active-address:<address>`) expires this long plus an hour after a job last joined it, so a set
   * whose members ended without being taken out (a lost job, an end stored by an older server)
   * goes too (redis-create-script.ts). @default 600000
   */
  jobTimeoutMs?: number
}

/** The `redis` provider: the whole contract. */
export interface RedisJobProvider extends Required<Omit<JobProvider, 'maxBatchBytes' | 'writeIntervalMs' | 'maxRequestBytes'>> {
  readonly name: 'redis'
  readonly maxBatchBytes: number
  readonly writeIntervalMs: number
  /** Connects (both connections): call it at boot to fail early, naming the URL, when Redis is unreachable. */
  ready(): Promise<void>
  /** Followers (subscriptions of any kind) open now: zero when nobody follows anything. */
  followers(): number
  /**
   * Resolves once everything published so far reached this instance and was handed to the
   * listeners (tests: deterministic, no sleeping).
   */
  settled(): Promise<void>
}

/** Thrown at boot when the `redis` provider is selected without a URL. */
export class RedisUrlMissingError extends Error {
  constructor() {
    super('The redis provider needs a server URL: set NUXT_BACKGROUND_JOBS_REDIS_URL (runtimeConfig.backgroundJobs.redisUrl), e.g. redis://127.0.0.1:6379')
    this.name = 'RedisUrlMissingError'
  }
}

/** The default key prefix. */
export const DEFAULT_REDIS_KEY_PREFIX = 'bgjobs:'
const DEFAULT_EXPIRED_LEASES_LIMIT = 100
/**
 * Batches larger than this are split by the engine. Redis takes far more (512 MB per value), but a
 * script blocks the server while it runs: a few MB keep every append short.
 */
const MAX_BATCH_BYTES = 4 * 1024 * 1024
/** How long appends of different jobs are gathered into one script call (see the option). */
export const DEFAULT_APPEND_WINDOW_MS = 5
/** `limits.jobTimeoutMs`'s default (config.ts), for a provider created without the setting. */
const DEFAULT_JOB_TIMEOUT_MS = 600_000

/** Creates the `redis` provider; it connects on `ready()` (or the first call). */
export function createRedisProvider(options: RedisProviderOptions): RedisJobProvider {
  if (!options.url) throw new RedisUrlMissingError()
  const prefix = options.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX
  const keys = redisKeys(prefix)
  const now = options.now ?? Date.now
  // '' tells a script to read Redis's clock; a test's fake clock is passed as a number.
  const storeNow = () => options.storeClock ? String(options.storeClock()) : ''
  const onError: SubscriptionFailureReport = options.onError ?? ((error, context) => console.error(`[background-jobs] redis subscription${context ? ` of job ${context.jobId}` : ''} failed`, error))
  let connecting: Promise<{ connection: RedisConnection, hub: ChannelHub }> | undefined
  const subscriptionMetrics = createSubscriptionMetrics('redis', options.metrics)
  // A connection error is logged as it is; a failure on the way to a follower is counted too.
  const subscriptionFailed = subscriptionMetrics.failed(onError)

  const onWarning = options.onWarning ?? ((message: string) => console.warn(`[background-jobs] ${message}`))
  // Once disposed, a call (a request served during shutdown, a late timer) must not connect again:
  // nothing would close that connection, and its sockets would hold the process open.
  let disposed = false
  // A first connection still in its handshake when disposed is dropped at once, not waited out.
  const disposing = new AbortController()
  const connect = () => disposed ? Promise.reject(new ShuttingDownError()) : connecting ??= connectRedis({ url: options.url, commandTimeoutMs: options.commandTimeoutMs, maxPendingCommands: options.maxPendingCommands, healthCheckMs: options.healthCheckMs, probeChannel: `${prefix}log:channel-check`, onError, signal: disposing.signal })
    .then(async (connection) => {
      // A Redis older than 6.2 (redis-version-check.ts), a cluster of several shards, a user without the keys, or who may not publish
      // (redis-key-check.ts), or a proxy that cannot run the scripts (redis-cluster-check.ts),
      // would fail every call.
      await checkVersion(connection.command, options.url).then(() => checkNotCluster(connection.command, options.url)).then(() => checkAccess(connection.command, prefix, options.url)).then(() => checkScriptsRun(connection.command, prefix, options.url)).catch(async (error: unknown) => {
        await connection.close()
        throw error
      })
      // A Redis that may not answer INFO (an ACL user without it) is not refused for that.
      const checkEvictionPolicy = async () => {
        const warning = await evictionPolicyWarning(connection.command).catch(() => null)
        if (warning) onWarning(warning)
      }
      await checkEvictionPolicy()
      // After a drop the URL may reach another Redis (restarted with another config, a failover).
      connection.onCommandsReconnect(() => void checkEvictionPolicy())
      // Once per reconnect of the pub/sub connection, however many followers catch up after it.
      connection.onReconnect(subscriptionMetrics.reconnected)
      return { connection, hub: createChannelHub(connection, subscriptionFailed) }
    })
  const command = async <T>(args: string[]) => (await connect()).connection.command<T>(args)
  const script = async <T>(source: string, args: string[], onLate?: (reply: T) => void) => (await connect()).connection.script<T>(source, [prefix, ...args], onLate, scriptName(source))

  async function get(id: string): Promise<JobRecord | null> {
    return decodeRecord(id, await command<string[]>(['HGETALL', keys.job(id)]))
  }

  /** `get` for a reader who may only see `userId`'s job: another user's is null, unread (GET_OWNED_SCRIPT). */
  async function getOwned(id: string, owner?: { userId: string }): Promise<JobRecord | null> {
    if (!owner) return await get(id)
    return decodeRecord(id, await script<string[]>(GET_OWNED_SCRIPT, [id, owner.userId]))
  }

  /** A record as listings return it: without its whole request (a chat's history), redis-records.ts. */
  async function getListed(id: string): Promise<JobRecord | null> {
    return decodeListedRecord(id, await command<Array<string | null>>(['HMGET', keys.job(id), ...LISTED_FIELDS]))
  }

  /** `getListed` for a reader who may only see `userId`'s job: another user's is null, unread (GET_OWNED_SCRIPT). */
  async function getListedOwned(id: string, owner?: { userId: string }): Promise<JobRecord | null> {
    if (!owner) return await getListed(id)
    return decodeListedRecord(id, await script<Array<string | null>>(GET_OWNED_SCRIPT, [id, owner.userId, ...LISTED_FIELDS]))
  }

  // A job's log, from a seq, and its state (redis-log-read.ts).
  const { readLog, readEvents, getState } = createRedisLogReads({ prefix, command, script, getListed })

  const threads = createRedisThreads({ prefix, command, script, getListed, now })

  const list = createRedisJobList({ prefix, command, getListed, threads })

  // One script call per group of appends; a group stays under what one append may hold.
  const appends = createAppendBatcher({
    windowMs: options.appendWindowMs ?? DEFAULT_APPEND_WINDOW_MS,
    maxBytes: MAX_BATCH_BYTES,
    send: async (calls) => {
      const replies = await script<AppendReply[]>(APPEND_SCRIPT, calls.flatMap(call => [call.id, call.epoch, call.heads, call.events]))
      // Each job's append catches its own error: one refused READONLY means a replica (a failover).
      if (replies.some(reply => reply[0] === 'error' && String(reply[1]).startsWith('READONLY'))) (await connect()).connection.readOnlyReplied()
      return replies
    },
  })

  const { create } = createRedisCreation({ script, addressSetMs: addressSetLifeMs(options.jobTimeoutMs ?? DEFAULT_JOB_TIMEOUT_MS), getListed, connect, appends, now, storeNow, onError, onEnded: (job, end) => reportLateCreationEnd({ logger: options.logger ?? createConsoleLogger(), metrics: options.metrics ?? useMetrics() }, job, end) })

  // A user feed hands on records without their request (ChangedJobRecord): it reads none.
  const subscriptions = createRedisSubscriptions({ prefix, connect, command, readEntries: async (id, after) => (await readLog(id, after)).range.events, get: getListed, list, now, onError: subscriptionFailed })

  return {
    name: 'redis',
    maxBatchBytes: MAX_BATCH_BYTES,
    // A write is one short script: each batch window's events go out as they are committed.
    writeIntervalMs: 0,

    create,

    get: getOwned,

    // The engine's ownership check of a route: what a summary shows, not a long chat's whole history.
    getListed: getListedOwned,

    list,

    async listThreads({ userId, limit, before }) {
      return await threads.listThreads(userId, limit, before, keys.activeOfUser(userId))
    },

    renameThread: threads.renameThread,

    async appendEvents(id, events, appendOptions = {}) {
      // Redis's error replies that are not about its state are given up, not retried (redis-refusal.ts).
      const reply = await appends.append({
        id,
        epoch: appendOptions.epoch === undefined ? '' : String(appendOptions.epoch),
        heads: eventHeads(events),
        events: JSON.stringify(events),
      }).catch((error: unknown) => {
        throw appendFailureOf(id, error)
      })
      if (reply[0] === 'error') throw appendErrorOf(id, String(reply[1]))
      const [outcome, lastSeq] = reply
      if (outcome === 'ok') return { ok: true, lastSeq: Number(lastSeq) }
      return { ok: false, reason: outcome as AppendRefusal, lastSeq: Number(lastSeq) }
    },

    // An end the append refused for good: the record and the indexes, not the log (redis-refused-end.ts).
    closeRefusedEnd: createCloseRefusedEnd(script),

    readEvents,

    getState,

    async countActive(filter = {}) {
      return await command<number>(['SCARD', filter.userId === undefined ? keys.active : keys.activeOfUser(filter.userId)])
    },

    async deleteExpired(endedBefore, limit = Number.MAX_SAFE_INTEGER, onDeleted) {
      const told = await script<string[]>(DELETE_EXPIRED_SCRIPT, [String(endedBefore), String(limit), String(now()), String(DELETION_RECORD_MS)])
      // One with no user (a hash an eviction emptied) was deleted all the same, and is told to nobody.
      for (let index = 0; index < told.length; index += 3) {
        if (told[index + 1]) onDeleted?.({ id: told[index]!, userId: told[index + 1]!, threadId: told[index + 2] || null })
      }
      return told.length / 3
    },

    async deleteJob(id) {
      return await script<DeleteOutcome>(DELETE_JOB_SCRIPT, [id, String(now()), String(DELETION_RECORD_MS)])
    },

    async publishJobLost(job) {
      return Number(await script<number>(JOB_LOST_SCRIPT, [job.id, job.userId, String(now()), String(DELETION_RECORD_MS)])) === 1
    },

    async takeRate(key, limit, windowMs) {
      const wait = Number(await script<number>(TAKE_RATE_SCRIPT, [key, String(limit), String(windowMs), storeNow(), randomUUID()]))
      return wait < 0 ? { ok: true } : { ok: false, retryAfterMs: wait }
    },

    async sendControl(id, control) {
      const { type, userId } = control
      // The script adds the number and `sentAt` (Redis's clock).
      // An abort's `answer` (answer and stop) is kept as an input's is; JSON leaves out an undefined one.
      const json = JSON.stringify(type === 'abort' ? { type, userId, answer: control.answer } : { type, userId, requestId: control.requestId, answer: control.answer })
      const number = Number(await script<number>(SEND_CONTROL_SCRIPT, [id, userId, json, storeNow()]))
      if (number === 0) throw new JobNotFoundError(id)
      return String(number)
    },

    async replyToControl(id, controlId, reply) {
      await script(REPLY_CONTROL_SCRIPT, [id, controlId, JSON.stringify(reply)])
    },

    subscribe: (id, listener, subscribeOptions = {}) => subscriptions.subscribe(id, listener, {
      ...(subscribeOptions.afterSeq === undefined ? {} : { afterSeq: normalizeSeq(subscribeOptions.afterSeq) }),
      ...(subscribeOptions.onGone ? { onGone: subscribeOptions.onGone } : {}),
    }),
    subscribeControls: subscriptions.subscribeControls,
    async readControls(id) {
      const entries = await command<StreamEntries>(['XRANGE', keys.controls(id), '-', '+'])
      return entries.map(([, fields]) => decodeControl(fields[1]!).item)
    },
    subscribeControlReply: subscriptions.subscribeControlReply,
    async readControlReply(id, controlId) {
      const json = await command<string | null>(['HGET', keys.replies(id), controlId])
      return json === null ? null : JSON.parse(json) as ControlReply
    },
    subscribeUserJobs: subscriptions.subscribeUserJobs,

    async claimLease(id, instanceId, leaseMs) {
      const claimed = await script<[string, number, string] | null>(CLAIM_LEASE_SCRIPT, [id, instanceId, storeNow(), String(leaseMs), String(DELETION_RECORD_MS)])
      return claimed ? { instanceId: claimed[0], epoch: Number(claimed[1]), expiresAt: Number(claimed[2]) } : null
    },

    // The lease is in the job's hash: a heartbeat of a job Redis lost answers 0 (run-lease.ts).
    heartbeatSeesLostJob: true,
    async heartbeatLease(id, lease, leaseMs) {
      return Number(await script<number>(HEARTBEAT_LEASE_SCRIPT, [id, lease.instanceId, String(lease.epoch), storeNow(), String(leaseMs)])) === 1
    },

    async listExpiredLeases(limit = DEFAULT_EXPIRED_LEASES_LIMIT) {
      if (limit <= 0) return []
      const ids = await script<string[]>(LIST_EXPIRED_LEASES_SCRIPT, [storeNow(), String(limit)])
      const records = await Promise.all(ids.map(getListed))
      return records.filter((record): record is JobRecord => record !== null && record.lease !== null)
    },

    heartbeatInstance: createInstanceRegistration({ script, storeNow, onWarning }),

    async ping() {
      await command(['PING'])
    },

    async ready() {
      await connect()
    },

    followers: subscriptions.followers,
    settled: subscriptions.settled,

    async dispose() {
      disposed = true
      disposing.abort(new ShuttingDownError())
      appends.close()
      subscriptions.stopAll()
      const current = connecting
      connecting = undefined
      if (current) await (await current.catch(() => null))?.connection.close()
    },
  }
}
