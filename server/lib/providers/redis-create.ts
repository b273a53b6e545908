/**
 * Job creation for the `redis` provider: the create script (idempotency, active-job limits and
 * rate windows checked with the insert), and what follows a creation whose outcome the caller never
 * learned — a reply that came after its deadline, or a connection that dropped after the script was
 * sent. The caller answered 503 and started nothing, so a job Redis stored anyway is ended at once
 * instead of counting as active until its lease lapses and being run (or failed) by recovery.
 */
import { randomUUID } from 'node:crypto'
import type { JobEvent } from '../../../shared/events'
import { ProviderUnavailableError } from '../errors'
import { lateCreationEnd } from '../failed-end'
import type { AppendBatcher } from './redis-append-batch'
import type { RedisConnection } from './redis-client'
import { encodeMeta, encodeRequest, eventHeads } from './redis-records'
import { CREATE_SCRIPT } from './redis-create-script'
import type { CreateOptions, JobLease, JobProvider, JobRecord, NewJobRecord } from './types'
import { ActiveLimitError, RateRefusedError } from './types'
import type { ActiveLimitScope } from './types'

/** Creations with an unknown outcome followed at most at once (see `endIfStored`). */
const MAX_ENDS_AWAITED = 1_000

/**
 * Past a job's time limit, how long its end may take to be stored: a takeover once its owner's
 * lease lapsed (it ends a job past its limit at once, decision 25), an end retried while Redis was
 * unreachable.
 */
const END_STORED_WITHIN_MS = 60 * 60_000

/**
 * How long an anonymous client address's active set lives after a job last joined it: no job of it
 * can still be active then, as each one's time limit counts from its creation in this script
 * (`storeCreatedAt`). Without it a set whose members ended by a path that did not take them out
 * (a lost job: its hash, which named the address, is gone; an end stored by a server of an earlier
 * version) stayed for good — one key per address ever seen (dynamic IPv4, IPv6 /64s).
 */
export function addressSetLifeMs(jobTimeoutMs: number): number {
  return jobTimeoutMs + END_STORED_WITHIN_MS
}

/** What creation needs of the provider. */
export interface RedisCreationOptions {
  script: <T>(source: string, args: string[], onLate?: (reply: T) => void) => Promise<T>
  /** How long an address's active set lives after a job last joined it (`addressSetLifeMs`). */
  addressSetMs: number
  /** A record without its whole request (a listing's read, redis-records.ts). */
  getListed: (id: string) => Promise<JobRecord | null>
  connect: () => Promise<{ connection: RedisConnection }>
  appends: AppendBatcher
  now: () => number
  /** Redis's clock for the script ('' = its own `TIME`). */
  storeNow: () => string
  onError: (error: unknown) => void
  /** A late creation's end was stored (counted and logged as every stored end: failed-end.ts); `request`: the one the creation sent. */
  onEnded: (job: Pick<JobRecord, 'id' | 'type' | 'request'> & { instanceId: string }, end: JobEvent) => void
}

/** The provider's `create`. */
export function createRedisCreation({ script, addressSetMs, getListed, connect, appends, now, storeNow, onError, onEnded }: RedisCreationOptions): Pick<JobProvider, 'create'> {
  /**
   * Ends a job Redis stored only after its creation had timed out: the caller answered 503 and
   * started nothing, so left alone it would count as active until its lease lapsed, and then be run
   * (or failed as lost) by recovery — work the user was told had failed.
   */
  async function endUnstarted(id: string, lease: JobLease, request: JobRecord['request']): Promise<void> {
    const record = await getListed(id)
    if (!record || record.status !== 'queued') return
    const end = lateCreationEnd('Redis', record.lastSeq + 1, now())
    const reply = await appends.append({ id, epoch: String(lease.epoch), heads: eventHeads([end]), events: JSON.stringify([end]) })
    if (reply[0] === 'error') throw new Error(`Redis refused to end job ${id}, stored after its creation timed out: ${reply[1]}`)
    // The listing's record holds no whole request: the one sent names the request that created it
    // (and its lease the instance that created it, which ends it here).
    if (reply[0] === 'ok') onEnded({ id: record.id, type: record.type, request, instanceId: lease.instanceId }, end)
  }

  /** Creations whose outcome is unknown, waiting for Redis to say whether it stored them. */
  const endsAwaited = new Set<string>()

  /**
   * A creation that failed on the way (the connection dropped after the script was sent, or the
   * read after it failed): the caller answered 503 and started nothing, but Redis may have stored
   * the job. It is ended as a late one is — tried now, and again whenever the command connection
   * comes back, until Redis answers (or the provider is disposed, which drops the listener).
   */
  function endIfStored(id: string, lease: JobLease, request: JobRecord['request']): void {
    // Bounded: during a long outage every refused creation lands here (most never reached Redis).
    // Past the bound, a job that was stored after all is ended by recovery once its lease lapses.
    if (endsAwaited.has(id) || endsAwaited.size >= MAX_ENDS_AWAITED) return
    endsAwaited.add(id)
    void connect().then(({ connection }) => {
      let running = false
      let again = false
      const attempt = () => {
        running = true
        again = false
        endUnstarted(id, lease, request).then(finish, (error: unknown) => {
          running = false
          if (!(error instanceof ProviderUnavailableError)) {
            finish()
            onError(error)
          }
          else if (again) attempt()
        })
      }
      const stopListening = connection.onCommandsReconnect(() => {
        if (running) again = true
        else attempt()
      })
      const finish = () => {
        stopListening()
        endsAwaited.delete(id)
      }
      attempt()
    }, () => endsAwaited.delete(id))
  }

  /** One creation, as `create` describes (a lost connection is handled there). */
  async function createOnce(record: NewJobRecord, createOptions: CreateOptions): Promise<{ record: JobRecord, created: boolean }> {
    const lease = record.lease ?? null
    const rates = createOptions.rates?.length ? createOptions.rates : null
    const requestJson = encodeRequest(record)
    const [outcome, value, third] = await script<string[]>(CREATE_SCRIPT, [
      record.id,
      record.userId,
      record.idempotencyKey ?? '',
      encodeMeta(record),
      String(record.createdAt),
      lease?.instanceId ?? '',
      String(lease?.epoch ?? ''),
      String(lease?.expiresAt ?? ''),
      createOptions.maxActive === undefined ? '' : String(createOptions.maxActive),
      createOptions.maxActivePerUser === undefined ? '' : String(createOptions.maxActivePerUser),
      rates ? JSON.stringify(rates.map(rate => [rate.key, rate.limit, rate.windowMs])) : '',
      storeNow(),
      rates ? randomUUID() : '',
      // Counted from Redis's clock, as a claim is: the creator's clock may be off.
      lease && createOptions.leaseMs !== undefined ? String(createOptions.leaseMs) : '',
      record.threadId ?? '',
      requestJson,
      createOptions.freeing?.length ? JSON.stringify(createOptions.freeing) : '',
      createOptions.maxActivePerAddress?.address ?? '',
      createOptions.maxActivePerAddress === undefined ? '' : String(createOptions.maxActivePerAddress.limit),
      String(addressSetMs),
    ], (late) => {
      if (late[0] === 'created' && lease) void endUnstarted(late[1]!, lease, record.request).catch(onError)
    })
    if (outcome === 'duplicate') throw new Error(`A job with id ${record.id} already exists`)
    if (outcome === 'limit') throw new ActiveLimitError(value as ActiveLimitScope, Number(third))
    if (outcome === 'rate') throw new RateRefusedError(Number(value), third!)
    // A new job comes back with the request just sent (as stored: parsed from its JSON), not read
    // back (a long chat's whole history again); an existing one (the same idempotency key) with its
    // request as a listing gives it: the retry is compared by the fingerprint that keeps (idempotency.ts).
    const created = outcome === 'created'
    const stored = await getListed(value!)
    if (!stored) throw new Error(`The job ${value} vanished right after it was created`)
    return { record: created ? { ...stored, request: JSON.parse(requestJson) as JobRecord['request'] } : stored, created }
  }

  return {
    async create(record, createOptions = {}) {
      try {
        return await createOnce(record, createOptions)
      }
      catch (error) {
        if (record.lease && error instanceof ProviderUnavailableError) endIfStored(record.id, record.lease, record.request)
        throw error
      }
    },
  }
}
