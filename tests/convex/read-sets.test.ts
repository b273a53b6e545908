/**
 * What a function reads is what Convex watches: a mutation conflicts with every write to a
 * document it read (and is re-run), and a subscribed query is re-run on every such write. These
 * tests run a function's handler on a recording database and check that the hot paths read no
 * document that other instances keep writing: an instance's heartbeat reads no other live
 * instance, the owner's control subscription reads no job document (patched by every append),
 * and a lease heartbeat writes no table that a query viewers subscribe to reads.
 */
import { describe, expect, it } from 'vitest'
import { api } from '../../convex/_generated/api'
import { readControls, readReply } from '../../convex/controls'
import { appendEvents, readEvents } from '../../convex/events'
import { userChanges } from '../../convex/feed'
import { heartbeatInstance, heartbeatLease } from '../../convex/leases'
import schema from '../../convex/schema'
import { createBackend, createInstance, newJob, statusEvent, TEST_SECRET, textDeltas, WRITER_LEASE, type Backend } from './backend'

/** One index range (or document) a function read. */
interface Read {
  table: string
  index: string | null
  /** The range's bounds as `op(field)`, e.g. `eq(jobId)`. */
  range: string[]
}

type AnyObject = Record<PropertyKey, unknown>

const targets = new WeakMap<object, object>()

/** Wraps an index range builder so each bound it is given is recorded. */
function recordingBuilder(builder: object, range: string[]): object {
  const proxy = new Proxy(builder, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        range.push(`${String(property)}(${String(args[0])})`)
        return recordingBuilder((value as (...a: unknown[]) => object).apply(target, args), range)
      }
    },
  })
  targets.set(proxy, builder)
  return proxy
}

/** A bound method, or the value. */
function passThrough(target: object, property: PropertyKey) {
  const value = Reflect.get(target, property) as unknown
  return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
}

/** The table a document id belongs to. */
function tableOf(db: AnyObject, id: string): string {
  const normalize = db.normalizeId as (table: string, id: string) => string | null
  return Object.keys(schema.tables).find(table => normalize.call(db, table, id) !== null) ?? '(unknown)'
}

/** The database of `db`, recording every index range and document it reads into `reads`, and the table of every write into `writes`. */
function recordingDatabase(db: AnyObject, reads: Read[], writes: string[] = []): AnyObject {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'get') {
        return (id: string) => {
          reads.push({ table: tableOf(target, id), index: null, range: ['by id'] })
          return (target.get as (id: string) => unknown).call(target, id)
        }
      }
      if (property === 'insert') {
        return (table: string, value: unknown) => {
          writes.push(`insert ${table}`)
          return (target.insert as (table: string, value: unknown) => unknown).call(target, table, value)
        }
      }
      if (property === 'patch' || property === 'replace' || property === 'delete') {
        return (id: string, ...rest: unknown[]) => {
          writes.push(`${property} ${tableOf(target, id)}`)
          return (target[property] as (id: string, ...rest: unknown[]) => unknown).call(target, id, ...rest)
        }
      }
      if (property !== 'query') return passThrough(target, property)
      return (table: string) => {
        const read: Read = { table, index: null, range: [] }
        reads.push(read)
        const query = (target.query as (table: string) => AnyObject).call(target, table)
        return new Proxy(query, {
          get(queryTarget, queryProperty) {
            if (queryProperty !== 'withIndex') return passThrough(queryTarget, queryProperty)
            return (index: string, build?: (builder: object) => object) => {
              read.index = index
              return (queryTarget.withIndex as (index: string, build: (builder: object) => object) => unknown).call(queryTarget, index, (builder) => {
                if (!build) return builder
                const built = build(recordingBuilder(builder, read.range))
                return targets.get(built) ?? built
              })
            }
          },
        })
      }
    },
  })
}

/** Runs a registered function's handler (with the secret) on a recording database; returns what it read and wrote. */
async function accessOf(backend: Backend, registered: unknown, args: Record<string, unknown>): Promise<{ reads: string[], writes: string[], result: unknown }> {
  const handler = (registered as { _handler: (ctx: unknown, args: unknown) => Promise<unknown> })._handler
  const reads: Read[] = []
  const writes: string[] = []
  const result = await backend.run(async ctx => await handler({ ...ctx, db: recordingDatabase(ctx.db as unknown as AnyObject, reads, writes) }, { ...args, secret: TEST_SECRET }))
  return { reads: reads.map(read => [`${read.table}${read.index ? `.${read.index}` : ''}`, ...read.range].join(' ')), writes, result }
}

/** Runs a registered function's handler (with the secret) on a recording database; returns what it read. */
async function readSetOf(backend: Backend, registered: unknown, args: Record<string, unknown>): Promise<string[]> {
  return (await accessOf(backend, registered, args)).reads
}

/** The tables in a read set. */
function tablesOf(reads: string[]): Set<string> {
  return new Set(reads.map(read => read.split(/[ .]/)[0]!))
}

describe('what the hot paths read', () => {
  it('an instance\'s heartbeat reads its own document and lapsed ones only, never a live instance: heartbeats of many instances do not conflict', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    for (const instanceId of ['a', 'b', 'c']) await provider.heartbeatInstance!(instanceId, 10_000)
    expect(await readSetOf(backend, heartbeatInstance, { instanceId: 'a', ttlMs: 10_000 })).toEqual([
      'instances.by_instance eq(instanceId)',
      'instances.by_expiry lte(expiresAt)',
    ])
    // The count comes from a query, which conflicts with nothing.
    expect(await provider.heartbeatInstance!('b', 10_000)).toEqual({ instances: 3, activeJobs: 0, nextLapseInMs: null })
  })

  it('the owner\'s control subscription reads no job document, so appends and lease heartbeats do not re-run it', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const job = newJob()
    await provider.create(job)
    await provider.appendEvents(job.id, [statusEvent(1, 'running'), ...textDeltas(2, ['Hi'])], { epoch: 1 })
    await provider.sendControl!(job.id, { type: 'abort', userId: 'user-1' })
    const reads = await readSetOf(backend, readControls, { jobId: job.id, afterNumber: 0 })
    expect(reads.filter(read => read.startsWith('jobs'))).toEqual([])
    // Still null for a job that does not exist.
    expect(await backend.query(api.controls.readControls, { secret: TEST_SECRET, jobId: 'nobody', afterNumber: 0 })).toBeNull()
  })

  it('a lease heartbeat writes only the job\'s lease document, a table no query viewers subscribe to reads: heartbeats re-run no viewer\'s subscription', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const job = newJob()
    await provider.create(job)
    await provider.appendEvents(job.id, [statusEvent(1, 'waiting'), ...textDeltas(2, ['Hi'])], { epoch: 1 })
    const controlId = await provider.sendControl!(job.id, { type: 'abort', userId: 'user-1' })

    const heartbeat = await accessOf(backend, heartbeatLease, { jobId: job.id, lease: WRITER_LEASE, leaseMs: 10_000 })
    expect(heartbeat.result).toBe(true)
    expect(heartbeat.writes).toEqual(['patch leases'])
    // Nor does it read the job document, so it does not conflict with the job's appends over it.
    expect([...tablesOf(heartbeat.reads)]).toEqual(['leases'])

    // Every query a subscription follows (convex-subscription.ts, convex-user-subscription.ts,
    // convex-control-subscription.ts, subscribeControlReply), in its steady state and with results.
    const subscribed: Array<[string, unknown, Record<string, unknown>]> = [
      ['readEvents, from the start', readEvents, { jobId: job.id }],
      ['readEvents, after a seq', readEvents, { jobId: job.id, afterSeq: 0 }],
      ['readEvents, at the tail', readEvents, { jobId: job.id, afterSeq: 3 }],
      ['userChanges, from the start', userChanges, { userId: job.userId, withoutRequests: true }],
      ['userChanges, with changes', userChanges, { userId: job.userId, afterChangedAt: 0, withoutRequests: true }],
      ['readControls', readControls, { jobId: job.id, afterNumber: 0 }],
      ['readReply', readReply, { jobId: job.id, controlId }],
    ]
    // Convex re-runs a subscribed query when a write touches what it read: a write to another
    // table never does.
    const written = new Set(heartbeat.writes.map(write => write.split(' ')[1]!))
    for (const [name, query, args] of subscribed) {
      const read = tablesOf(await readSetOf(backend, query, args))
      expect({ name, both: [...read].filter(table => written.has(table)) }).toEqual({ name, both: [] })
    }
    // The heartbeat took effect where the lease is read: the job's record.
    expect((await provider.get(job.id))?.lease).toMatchObject({ instanceId: WRITER_LEASE.instanceId, epoch: 1 })
    expect((await provider.get(job.id))?.lease?.expiresAt).not.toBe(WRITER_LEASE.expiresAt)
  })

  it('a user\'s feed subscription, while nothing it reports changed, reads no job document: the appends of the user\'s jobs do not re-run it', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const job = newJob()
    await provider.create(job)
    await provider.appendEvents(job.id, [statusEvent(1, 'running')], { epoch: 1 })
    const head = (await accessOf(backend, userChanges, { userId: job.userId, withoutRequests: true })).result as { lastChangedAt: number }
    // The steady state of convex-user-subscription.ts: subscribed after the latest change.
    const idle = await readSetOf(backend, userChanges, { userId: job.userId, afterChangedAt: head.lastChangedAt, withoutRequests: true })
    // A text append patches the job document (lastSeq, updatedAt) and reports nothing to the feed.
    const append = await accessOf(backend, appendEvents, { jobId: job.id, epoch: 1, batches: [JSON.stringify(textDeltas(2, ['Hi']))] })
    expect(append.result).toMatchObject({ ok: true })
    const written = new Set(append.writes.map(write => write.split(' ')[1]!))
    expect([...tablesOf(idle)].filter(table => written.has(table))).toEqual([])
    // A change the feed reports still moves its cursor.
    await provider.appendEvents(job.id, [statusEvent(3, 'waiting')], { epoch: 1 })
    const after = (await accessOf(backend, userChanges, { userId: job.userId, afterChangedAt: head.lastChangedAt, withoutRequests: true })).result as { changes: Array<{ record: { jobId: string, status: string } }> }
    expect(after.changes.map(change => [change.record.jobId, change.record.status])).toEqual([[job.id, 'waiting']])
  })
})
