/**
 * What a function reads is what Convex watches: a mutation conflicts with every write to a
 * document it read (and is re-run), and a subscribed query is re-run on every such write. These
 * tests run a function's handler on a recording database and check that the hot paths read no
 * document that other instances keep writing: an instance's heartbeat reads no other live
 * instance, and the owner's control subscription reads no job document (patched by every append
 * and lease heartbeat).
 */
import { describe, expect, it } from 'vitest'
import { api } from '../../convex/_generated/api'
import { readControls } from '../../convex/controls'
import { heartbeatInstance } from '../../convex/leases'
import { createBackend, createInstance, newJob, statusEvent, TEST_SECRET, textDeltas, type Backend } from './backend'

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

/** The database of `db`, recording every index range and document it reads into `reads`. */
function recordingDatabase(db: AnyObject, reads: Read[]): AnyObject {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'get') {
        return (id: string) => {
          reads.push({ table: '(by id)', index: null, range: [String(id)] })
          return (target.get as (id: string) => unknown).call(target, id)
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

/** Runs a registered function's handler (with the secret) on a recording database; returns what it read. */
async function readSetOf(backend: Backend, registered: unknown, args: Record<string, unknown>): Promise<string[]> {
  const handler = (registered as { _handler: (ctx: unknown, args: unknown) => Promise<unknown> })._handler
  const reads: Read[] = []
  await backend.run(async ctx => void await handler({ ...ctx, db: recordingDatabase(ctx.db as unknown as AnyObject, reads) }, { ...args, secret: TEST_SECRET }))
  return reads.map(read => [`${read.table}${read.index ? `.${read.index}` : ''}`, ...read.range].join(' '))
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
    expect(await provider.heartbeatInstance!('b', 10_000)).toEqual({ instances: 3, activeJobs: 0 })
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
})
