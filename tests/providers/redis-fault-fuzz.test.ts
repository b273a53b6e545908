/**
 * Seeded fuzzing of the Redis provider under network faults. Each seed starts two or three
 * instances (tests/support/redis-fault-world.ts), each a provider behind its own TCP proxy to one
 * real redis-server, and runs random steps: leases claimed and renewed (a shared store clock moves
 * a second a step, leases last four), batches appended by the holder with its epoch (a batch whose
 * append threw sent again unchanged), controls sent and answered by the holder, followers
 * subscribed from a random seq — while a proxy partitions its instance for a few steps (bytes wait,
 * then arrive: a timed-out command may still run), drops its connections or black-holes them, or
 * Redis itself takes no writes for a moment (CLIENT PAUSE WRITE, as in a failover).
 * Then every fault heals, each job is ended by a claim, and the checks (redis-fault-checks.ts)
 * read the store: no acknowledged append lost or duplicated, seqs and text offsets contiguous, no
 * write of an older epoch after a newer one, no renewal of a lease after a later claim was
 * acknowledged, one job-end per job, controls stored once and replies heard once as stored,
 * followers got every event after their seq once with the log's text — and every refused call
 * threw a 503 (`ProviderUnavailableError`), nothing else.
 *
 * Replay one seed: `FUZZ_SEED=<n>`; more: `FUZZ_SEEDS=<count>` from `FUZZ_FIRST_SEED` (default 1),
 * `FUZZ_STEPS` steps each (default 40).
 */
import { createClient } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { createRandom } from '../support/fuzz-random'
import { useRedisServer } from '../support/redis-server'
import { followersCaughtUp, worldProblems } from '../support/redis-fault-checks'
import type { Instance, World } from '../support/redis-fault-world'
import { LEASE_MS, append, claim, createWorld, disposeWorld, follow, renew, reply, sendControl } from '../support/redis-fault-world'

const FIRST = Number(process.env.FUZZ_FIRST_SEED) || 1
const SEEDS = process.env.FUZZ_SEED ? [Number(process.env.FUZZ_SEED)] : Array.from({ length: Number(process.env.FUZZ_SEEDS) || 2 }, (_, index) => FIRST + index)
const STEPS = Number(process.env.FUZZ_STEPS) || 40
const TIMEOUT_MS = 80

const redis = useRedisServer()
let admin: ReturnType<typeof createClient>
beforeAll(async () => {
  admin = createClient({ url: redis.url })
  await admin.connect()
})
afterAll(async () => {
  await admin?.close()
})

/** Waits on the real clock (the proxies and Redis run on it); never asserted on. */
const pause = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

async function runSeed(seed: number, world: World, unexpected: string[]): Promise<void> {
  const random = createRandom(seed)
  const settle = async (call: Promise<unknown>) => {
    await call.catch((error: unknown) => {
      if (!(error instanceof ProviderUnavailableError)) unexpected.push(String((error as Error)?.stack ?? error))
    })
  }
  for (let step = 0; step < STEPS; step++) {
    world.clock.now += 1_000
    for (const instance of world.instances) {
      if (instance.partitionedUntil === step) {
        instance.proxy.heal()
        instance.partitionedUntil = -1
      }
    }
    const target = random.pick(world.instances)
    const fault = random.weighted({ none: 10, partition: 1, drop: 1, blackhole: 1, pauseWrites: 1 })
    if (fault === 'partition' && target.partitionedUntil < 0) {
      target.proxy.partition()
      target.partitionedUntil = step + random.int(1, 3)
    }
    else if (fault === 'drop') target.proxy.drop()
    else if (fault === 'blackhole') target.proxy.blackhole()
    // Redis itself takes no writes for a while (as in a failover): every instance's writes wait, reads behind them too.
    else if (fault === 'pauseWrites') await admin.sendCommand(['CLIENT', 'PAUSE', String(random.int(50, 250)), 'WRITE'])
    const calls: Array<Promise<unknown>> = []
    for (let count = random.int(1, 3); count > 0; count--) {
      const action = random.weighted({ claim: 2, renew: 3, append: 8, control: 2, reply: 2, follow: 1 })
      // A holder's calls go mostly to a job it holds (a stale holder's too: it learns by a refusal).
      const holds = world.instances.flatMap(instance => [...instance.held.keys()].map(job => ({ instance, job })))
      const { instance, job } = ['renew', 'append', 'reply'].includes(action) && holds.length > 0 && random.chance(0.9)
        ? random.pick(holds)
        : { instance: random.pick(world.instances), job: random.pick(world.jobs) }
      if (action === 'claim') calls.push(claim(world, instance, job))
      else if (action === 'renew') calls.push(renew(world, instance, job))
      else if (action === 'append') calls.push(append(world, random, instance, job))
      else if (action === 'control') calls.push(sendControl(world, random, instance, job))
      else if (action === 'reply') calls.push(reply(world, random, instance, job))
      else calls.push(follow(world, random, instance, job))
    }
    await Promise.all(calls.map(settle))
  }
  // Every fault heals; each instance answers again (a black-holed connection is replaced).
  for (const instance of world.instances) {
    instance.proxy.heal()
    instance.partitionedUntil = -1
  }
  for (const instance of world.instances) await untilAnswers(instance)
  // Every job is ended by whoever claims it once the leases lapsed.
  world.clock.now += 10 * LEASE_MS
  for (const job of world.jobs) {
    const instance = world.instances[0]!
    for (let attempt = 0; ; attempt++) {
      if (attempt > 100) throw new Error(`${job} could not be ended: ${JSON.stringify(await instance.provider.get(job).catch(String))} ${JSON.stringify([...instance.held.get(job)?.pending?.events ?? []])} ${unexpected.join("\n")}`)
      const record = await instance.provider.get(job).catch(() => null)
      if (record && record.status === 'completed') break
      if (!instance.held.has(job)) await settle(claim(world, instance, job))
      else await settle(append(world, random, instance, job, true))
    }
  }
}

async function untilAnswers(instance: Instance): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await instance.provider.get('none').then(() => true, () => false)) return
    await pause(20)
  }
  throw new Error(`i${instance.index} never answered again`)
}

describe('redis provider fuzz: two or three instances through faulty connections', () => {
  it.each(SEEDS)('seed %i: nothing acknowledged is lost, one owner at a time, one end, followers see the log', async (seed) => {
    const random = createRandom(seed * 7919)
    const prefix = `fuzz${seed}:`
    const world = await createWorld(redis.url, prefix, random.int(2, 3), random.int(2, 3), TIMEOUT_MS)
    const store = createRedisProvider({ url: redis.url, keyPrefix: prefix, storeClock: () => world.clock.now, onError: () => {} })
    const unexpected: string[] = []
    try {
      await runSeed(seed, world, unexpected)
      for (let attempt = 0; attempt < 500 && !await followersCaughtUp(world, store); attempt++) {
        await Promise.all(world.instances.map(instance => instance.provider.settled().catch(() => {})))
        await pause(20)
      }
      if (process.env.FUZZ_DEBUG) console.log(`seed ${seed}: ${world.instances.length} instances, ${world.batches.filter(batch => batch.acked).length}/${world.batches.length} batches acknowledged, ${world.thrownAppends} appends threw, epochs ${world.jobs.map(job => Math.max(0, ...world.leases.filter(ack => ack.job === job).map(ack => ack.epoch)))}, ${world.controls.length} controls, ${world.controls.filter(control => control.heard.length).length} replies heard, ${world.viewers.length} followers`)
      expect(unexpected).toEqual([])
      expect(await worldProblems(world, store)).toEqual([])
    }
    finally {
      await disposeWorld(world)
      await store.dispose()
    }
  })
})
