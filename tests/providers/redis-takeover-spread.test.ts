/**
 * Takeover spread over the instances left, on one real redis-server: the jobs of an instance that
 * went (a hand-off at shutdown here, which lapses their leases at once) are shared out by the live
 * instances' recovery scans — each takes up to its fair share of the active jobs and leaves the
 * rest to the others for one scan — instead of the first to look taking them all.
 */
import { expect, it } from 'vitest'
import { useRedisEngines } from '../support/redis-engines'

let prefixes = 0
const { redis, engines } = useRedisEngines()
// Recovery runs only when a test calls it (no scan of its own within the test).
const config = { lease: { durationMs: 600_000, heartbeatMs: 300_000 } }


async function threeInstances() {
  const keyPrefix = `spread-${process.pid}-${++prefixes}:`
  const [a, b, c] = [
    await engines.start({ url: redis.url, keyPrefix, instanceId: 'a', config }),
    await engines.start({ url: redis.url, keyPrefix, instanceId: 'b', config }),
    await engines.start({ url: redis.url, keyPrefix, instanceId: 'c', config }),
  ]
  // Each has said it is alive (as its start does) before the test goes on.
  for (const [instance, id] of [[a, 'a'], [b, 'b'], [c, 'c']] as const) await instance.provider.heartbeatInstance(id, 600_000)
  return { a, b, c }
}

/** Starts `count` workflows on `instance` that wait for an answer (they stay running there). */
async function waitingJobs(instance: Awaited<ReturnType<typeof engines.start>>, count: number) {
  const ids: string[] = []
  for (let index = 0; index < count; index++) {
    const { job } = await instance.engine.createJob(`u${index}`, { request: { type: 'workflow', workflow: 'ask', input: {} } })
    ids.push(job.id)
  }
  return ids
}

it('the jobs of an instance that went are shared by the two left, not all taken by the first to look', async () => {
  const { a, b, c } = await threeInstances()
  await waitingJobs(a, 2)
  await waitingJobs(b, 2)
  const lost = await waitingJobs(c, 8)
  await c.stop() // hands its workflows off and says it is gone
  // 12 active jobs, 2 instances: 6 each. A takes 4 and leaves 4 to B.
  expect(await a.engine.recover()).toBe(4)
  expect(await b.engine.recover()).toBe(4)
  expect(await a.engine.recover()).toBe(0)
  expect(a.engine.stats().runs).toBe(6)
  expect(b.engine.stats().runs).toBe(6)
  for (const id of lost) expect(['a', 'b']).toContain((await a.provider.get(id))!.lease!.instanceId)
})

it('what the others leave for a whole scan is taken at the next (an instance that does not scan holds up nothing)', async () => {
  const { a, b, c } = await threeInstances()
  const lost = await waitingJobs(c, 6)
  await c.stop()
  // B never scans (overloaded, or about to die): A takes its share, then the rest at its next scan.
  expect(await a.engine.recover()).toBe(3)
  expect(await a.engine.recover()).toBe(3)
  expect(a.engine.stats().runs).toBe(6)
  expect(b.engine.stats().runs).toBe(0)
  for (const id of lost) expect((await a.provider.get(id))!.lease!.instanceId).toBe('a')
})
