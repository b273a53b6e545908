/**
 * `NUXT_BACKGROUND_JOBS_ENABLED=false` on an instance of a real redis-server: the instance runs no
 * job at all. It used to take over (and resume) the workflows another instance handed off at
 * shutdown, and it said it was alive, so an enabled instance took only its "share" of them and
 * left the rest to the disabled one for a scan. Now it takes nothing and is counted by nobody.
 */
import { expect, it } from 'vitest'
import { useRedisEngines } from '../support/redis-engines'

const { redis, engines } = useRedisEngines()
// Recovery runs only when the test calls it (no scan of its own within the test).
const lease = { durationMs: 600_000, heartbeatMs: 300_000 }

it('a disabled instance takes over no handed-off job; an enabled one takes them all at once', async () => {
  const keyPrefix = `disabled-${process.pid}:`
  const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a', config: { lease } })
  const off = await engines.start({ url: redis.url, keyPrefix, instanceId: 'off', config: { lease, enabled: false } })
  const ids: string[] = []
  for (const user of ['u1', 'u2']) ids.push((await a.engine.createJob(user, { request: { type: 'workflow', workflow: 'ask', input: {} } })).job.id)
  await a.stop() // hands its workflows off: their leases lapse at once

  expect(await off.engine.recover()).toBe(0)
  expect({ runs: off.engine.stats().runs, engineTimers: off.engine.stats().engineTimers }).toEqual({ runs: 0, engineTimers: 0 })
  for (const id of ids) expect((await off.provider.get(id))!.lease!.instanceId).toBe('a')

  const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b', config: { lease } })
  expect(await b.engine.recover()).toBe(2)
  for (const id of ids) expect((await b.provider.get(id))!.lease!.instanceId).toBe('b')
})
