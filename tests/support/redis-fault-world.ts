/**
 * The world of the Redis fault fuzz (tests/providers/redis-fault-fuzz.test.ts): two or three
 * instances, each a Redis provider behind its own TCP proxy (redis-partition-proxy.ts) to one real
 * redis-server, acting as the engine does through the provider contract — leases claimed and
 * renewed on a shared store clock, batches appended with the writer's epoch (a batch whose append
 * threw is sent again as it was), controls sent and answered, followers subscribed — while the
 * proxies delay (partition then heal), drop or black-hole their connections. Everything an
 * instance was told (acknowledged appends, leases, control ids, replies) is recorded for the checks
 * (redis-fault-checks.ts).
 */
import type { JobEvent } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { createRedisProvider } from '../../server/lib/providers/redis'
import type { RedisJobProvider } from '../../server/lib/providers/redis'
import type { ControlReply, JobControl, StoredJobControl } from '../../server/lib/providers/types'
import type { Random } from './fuzz-random'
import { randomText } from './fuzz-random'
import type { RedisPartitionProxy } from './redis-partition-proxy'
import { startRedisPartitionProxy } from './redis-partition-proxy'

export const LEASE_MS = 4_000
export const USER = 'fuzz-user'

/** A batch an instance sent, with what it was told. */
export interface SentBatch {
  job: string
  instance: number
  epoch: number
  events: JobEvent[]
  /** ok, or a retry refused as seq-conflict past its end (the contract's "it is stored"). */
  acked: boolean
}

/** What one instance believes it holds of a job. */
interface Held {
  epoch: number
  lastSeq: number
  textLength: number
  /** A batch whose append threw: sent again, unchanged, before anything else. */
  pending?: SentBatch
  /** The log must be read again before the next batch. */
  resync: boolean
  stopControls: () => void
  inbox: StoredJobControl[]
}

export interface Instance {
  index: number
  provider: RedisJobProvider
  proxy: RedisPartitionProxy
  held: Map<string, Held>
  partitionedUntil: number
}

/** A follower of one job's log. */
export interface Viewer {
  job: string
  instance: number
  afterSeq: number
  events: JobEvent[]
  gone: boolean
  stop: () => void
}

/** A control some instance stored, with the replies sent to it and what its sender heard. */
export interface SentControl {
  job: string
  id: string
  sender: number
  control: JobControl
  replies: Array<{ reply: ControlReply, acked: boolean }>
  heard: ControlReply[]
  stop: () => void
}

/** A lease some instance was granted or renewed, and when (in order of the acknowledgements). */
export interface LeaseAck {
  job: string
  instance: number
  epoch: number
  kind: 'claim' | 'renew'
  /** The number of lease acks recorded before this call was sent. */
  sentAfter: number
}

export interface World {
  instances: Instance[]
  jobs: string[]
  clock: { now: number }
  batches: SentBatch[]
  viewers: Viewer[]
  controls: SentControl[]
  leases: LeaseAck[]
  /** Controls each `subscribeControls` listener got (per subscription), to find duplicates. */
  deliveries: Array<{ job: string, ids: string[] }>
  counter: number
  /** Appends that threw (their batch sent again later). */
  thrownAppends: number
}

/** Starts the instances on `url` (each behind its own proxy) and creates the jobs. */
export async function createWorld(url: string, prefix: string, instanceCount: number, jobCount: number, timeoutMs: number): Promise<World> {
  const clock = { now: 1_000_000 }
  const instances: Instance[] = []
  for (let index = 0; index < instanceCount; index++) {
    const proxy = await startRedisPartitionProxy(url)
    // The short command timeout bounds the handshake too: a loaded machine may need another try
    // (a provider whose first connection failed stays failed, so a new one).
    let provider: RedisJobProvider
    for (let attempt = 0; ; attempt++) {
      provider = createRedisProvider({ url: proxy.url, keyPrefix: prefix, storeClock: () => clock.now, commandTimeoutMs: timeoutMs, healthCheckMs: timeoutMs, onError: () => {} })
      try {
        await provider.ready()
        break
      }
      catch (error) {
        await provider.dispose()
        if (attempt >= 20) throw error
      }
    }
    instances.push({ index, provider, proxy, held: new Map(), partitionedUntil: -1 })
  }
  const jobs: string[] = []
  for (let index = 0; index < jobCount; index++) {
    const id = `${prefix}job-${index}`
    // No fault yet, but a slow machine can outlast the short command timeout: a retry finds it made.
    for (let attempt = 0; ; attempt++) {
      try {
        await instances[0]!.provider.create({ id, userId: USER, type: 'chat', threadId: null, messageId: null, idempotencyKey: null, title: id, request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] }, createdAt: clock.now + index, lease: null })
        break
      }
      catch (error) {
        if (/already exists/.test(String(error))) break
        if (attempt >= 20) throw error
      }
    }
    jobs.push(id)
  }
  return { instances, jobs, clock, batches: [], viewers: [], controls: [], leases: [], deliveries: [], counter: 0, thrownAppends: 0 }
}

/** Stops everything the world started. */
export async function disposeWorld(world: World): Promise<void> {
  for (const viewer of world.viewers) viewer.stop()
  for (const control of world.controls) control.stop()
  for (const instance of world.instances) {
    for (const held of instance.held.values()) held.stopControls()
    instance.proxy.heal()
    instance.proxy.blackholeNew(false)
    await instance.provider.dispose()
    await instance.proxy.close()
  }
}

/** Forgets a job this instance held (its lease was taken or the job ended). */
function release(instance: Instance, job: string): void {
  instance.held.get(job)?.stopControls()
  instance.held.delete(job)
}

/** Claims a job's lease; on success reads the log before writing and follows the job's controls. */
export async function claim(world: World, instance: Instance, job: string): Promise<void> {
  const sentAfter = world.leases.length
  const lease = await instance.provider.claimLease(job, `i${instance.index}`, LEASE_MS)
  if (!lease) return
  world.leases.push({ job, instance: instance.index, epoch: lease.epoch, kind: 'claim', sentAfter })
  release(instance, job)
  const inbox: StoredJobControl[] = []
  const delivered = { job, ids: [] as string[] }
  world.deliveries.push(delivered)
  const stopControls = instance.provider.subscribeControls(job, (control) => {
    delivered.ids.push(control.id)
    inbox.push(control)
  }, { fromStart: true })
  instance.held.set(job, { epoch: lease.epoch, lastSeq: 0, textLength: 0, resync: true, stopControls, inbox })
}

/** Renews a held lease; a refusal means another instance took it (or the job ended). */
export async function renew(world: World, instance: Instance, job: string): Promise<void> {
  const held = instance.held.get(job)
  if (!held) return
  const sentAfter = world.leases.length
  const ok = await instance.provider.heartbeatLease(job, { instanceId: `i${instance.index}`, epoch: held.epoch, expiresAt: 0 }, LEASE_MS)
  if (ok) world.leases.push({ job, instance: instance.index, epoch: held.epoch, kind: 'renew', sentAfter })
  else if (instance.held.get(job) === held) release(instance, job)
}

/** Reads the log again (after a claim or a refusal it cannot explain). */
async function resync(instance: Instance, job: string, held: Held): Promise<void> {
  const range = await instance.provider.readEvents(job, 0)
  if (!range) return
  const state = reduceEvents(createJobState({ id: job, type: 'chat', createdAt: 0 }), range.events)
  held.lastSeq = range.events.at(-1)?.seq ?? 0
  held.textLength = state.content.length
  held.resync = false
}

/** The next batch of a held job: text deltas, sometimes its end. */
function nextBatch(world: World, random: Random, instance: Instance, job: string, held: Held, end: boolean): SentBatch {
  const events: JobEvent[] = []
  let seq = held.lastSeq
  let offset = held.textLength
  const epochField = held.epoch > 1 ? { epoch: held.epoch } : {}
  for (let count = random.int(1, 3); count > 0; count--) {
    const text = randomText(random)
    events.push({ seq: ++seq, at: ++world.counter, type: 'text-delta', offset, text, ...epochField })
    offset += text.length
  }
  if (end || (seq >= 6 && random.chance(0.06))) events.push({ seq: ++seq, at: ++world.counter, type: 'job-end', status: 'completed', metrics: emptyMetrics(), ...epochField })
  return { job, instance: instance.index, epoch: held.epoch, events, acked: false }
}

/** Appends the next batch of a held job (or sends again the one whose append threw). */
export async function append(world: World, random: Random, instance: Instance, job: string, end = false): Promise<void> {
  const held = instance.held.get(job)
  if (!held) return
  if (held.resync) return await resync(instance, job, held)
  const batch = held.pending ?? nextBatch(world, random, instance, job, held, end)
  if (!held.pending) world.batches.push(batch)
  held.pending = batch
  const last = batch.events.at(-1)!
  let result
  try {
    result = await instance.provider.appendEvents(job, batch.events, { epoch: batch.epoch })
  }
  catch (error) {
    world.thrownAppends++
    throw error
  }
  held.pending = undefined
  const stored = result.ok || (result.reason === 'seq-conflict' && result.lastSeq >= last.seq)
  if (stored) {
    batch.acked = true
    held.lastSeq = last.seq
    held.textLength = batch.events.reduce((length, event) => event.type === 'text-delta' ? event.offset + event.text.length : length, held.textLength)
    if (last.type === 'job-end') release(instance, job)
  }
  else if (!result.ok && result.reason === 'seq-conflict') held.resync = true
  else release(instance, job)
}

/** Stores a control from this instance and follows its reply. */
export async function sendControl(world: World, random: Random, instance: Instance, job: string): Promise<void> {
  const control: JobControl = random.chance(0.3)
    ? { type: 'abort', userId: USER }
    : { type: 'input', userId: USER, requestId: `r${random.int(1, 3)}`, answer: { n: ++world.counter } }
  const id = await instance.provider.sendControl(job, control)
  const sent: SentControl = { job, id, sender: instance.index, control, replies: [], heard: [], stop: () => {} }
  world.controls.push(sent)
  sent.stop = instance.provider.subscribeControlReply(job, id, reply => sent.heard.push(reply))
}

/** The owner answers one control it got. */
export async function reply(world: World, random: Random, instance: Instance, job: string): Promise<void> {
  const held = instance.held.get(job)
  if (!held || held.inbox.length === 0) return
  const control = random.pick(held.inbox)
  const sent = world.controls.find(entry => entry.job === job && entry.id === control.id)
  const answer: ControlReply = random.chance(0.7) ? { ok: true } : { ok: false, status: 409, error: 'InputConflictError', message: `refused ${++world.counter}` }
  const attempt = { reply: answer, acked: false }
  sent?.replies.push(attempt)
  await instance.provider.replyToControl(job, control.id, answer)
  attempt.acked = true
}

/** Follows a job's log from a seq this instance read (or from the start). */
export async function follow(world: World, random: Random, instance: Instance, job: string): Promise<void> {
  let afterSeq = 0
  if (random.chance(0.5)) {
    const record = await instance.provider.get(job)
    afterSeq = record ? random.int(0, record.lastSeq) : 0
  }
  const viewer: Viewer = { job, instance: instance.index, afterSeq, events: [], gone: false, stop: () => {} }
  world.viewers.push(viewer)
  viewer.stop = instance.provider.subscribe!(job, events => viewer.events.push(...events), { afterSeq, onGone: () => { viewer.gone = true } })
}
