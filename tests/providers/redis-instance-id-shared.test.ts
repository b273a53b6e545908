/**
 * Two live instances given the same `NUXT_BACKGROUND_JOBS_INSTANCE_ID` (every pod given the same
 * environment) share one registration in `<prefix>instances`: the others count them as one when
 * they share out a lost instance's jobs, and one's shutdown unregistered both. Nothing said so. The
 * Redis provider now notices another process heartbeating under its id (each registration carries
 * the process's own token) and warns, naming the variable; a restart under the same id (the old
 * registration has not lapsed yet, but nobody renews it) is not warned about. One of the two
 * shutting down now leaves the registration the other renewed last.
 */
import { createClient } from 'redis'
import { expect, it } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisEngines } from '../support/redis-engines'

let prefixes = 0
const { redis, engines } = useRedisEngines()
// Recovery (and its instance heartbeat) runs only when a test calls it.
const config = { lease: { durationMs: 600_000, heartbeatMs: 300_000 } }
const SHARED = /another live instance uses the instance id "pod-1" \(NUXT_BACKGROUND_JOBS_INSTANCE_ID\)/

async function instance(keyPrefix: string, instanceId: string) {
  const warnings: string[] = []
  const started = await engines.start({ url: redis.url, keyPrefix, instanceId, config, onWarning: message => warnings.push(message) })
  return { ...started, warnings }
}

it('two live instances with the same id are each warned, once; an instance with its own id is not', async () => {
  const keyPrefix = `same-id-${process.pid}-${++prefixes}:`
  const a = await instance(keyPrefix, 'pod-1')
  const b = await instance(keyPrefix, 'pod-1')
  const c = await instance(keyPrefix, 'pod-2')
  for (let round = 0; round < 4; round++) {
    for (const { engine } of [a, b, c]) await engine.recover()
  }
  expect(a.warnings).toEqual([expect.stringMatching(SHARED)])
  expect(b.warnings).toEqual([expect.stringMatching(SHARED)])
  expect(c.warnings).toEqual([])
  // What sharing the id does: three instances counted as two.
  expect((await c.provider.heartbeatInstance('pod-2', 600_000)).instances).toBe(2)
})

it('a restart under the same id, while the old registration is still alive, is not warned about', async () => {
  const keyPrefix = `same-id-${process.pid}-${++prefixes}:`
  // The process before: registered, then gone without leaving (a crash, a SIGKILL).
  const before = createRedisProvider({ url: redis.url, keyPrefix, onError: () => {}, onWarning: () => {} })
  await before.heartbeatInstance('pod-1', 600_000)
  await before.dispose()
  const after = await instance(keyPrefix, 'pod-1')
  for (let round = 0; round < 4; round++) await after.engine.recover()
  expect(after.warnings).toEqual([])
})

it('one of two live instances with the same id shutting down leaves the other\'s registration; the last one removes it', async () => {
  const keyPrefix = `same-id-${process.pid}-${++prefixes}:`
  const a = await instance(keyPrefix, 'pod-1')
  const b = await instance(keyPrefix, 'pod-1')
  const c = await instance(keyPrefix, 'pod-2')
  for (const { engine } of [a, b, c]) await engine.recover()
  // a leaves (its engine unregisters it) while b, which renewed the registration last, runs on.
  await a.stop()
  expect((await c.provider.heartbeatInstance('pod-2', 600_000)).instances).toBe(2)
  await b.stop()
  expect((await c.provider.heartbeatInstance('pod-2', 600_000)).instances).toBe(1)
})

it('an owner left by an older server\'s cleanup (its instance gone, its owner kept) is forgotten at the next heartbeat', async () => {
  const keyPrefix = `same-id-${process.pid}-${++prefixes}:`
  const a = await instance(keyPrefix, 'pod-1')
  await a.provider.heartbeatInstance('crashed', 600_000)
  const admin = createClient({ url: redis.url })
  await admin.connect()
  try {
    // What an older server's heartbeat did to a lapsed instance: removed from the set, its owner kept.
    await admin.sendCommand(['ZREM', `${keyPrefix}instances`, 'crashed'])
    await a.provider.heartbeatInstance('pod-1', 600_000)
    expect(await admin.sendCommand(['HKEYS', `${keyPrefix}instance-owners`])).toEqual(['pod-1'])
  }
  finally {
    await admin.close()
  }
})
